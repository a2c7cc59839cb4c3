import csv
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions import rules
from submissions.exporting import formula_safe
from submissions.dossiers import scope_q
from submissions.models import Dossier
from units.models import Unit
from units.rules import is_code

COLUMNS = ["source", "code", "procedure_code", "procedure_name", "unit_code", "commune_code", "received_on", "channel",
           "result_on", "result_electronic"]


class Command(BaseCommand):
    help = _("Các hồ sơ (từ danh sách của hệ thống một cửa) làm nên số liệu một tháng của một đơn vị.")

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help=_("Mã đơn vị."))
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True, choices=range(1, 13), metavar="1-12")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, unit, year, month, format="table", **options):
        if not rules.is_valid_year(year):
            raise CommandError(_("Năm phải từ %(first)s đến %(last)s.") % {"first": rules.FIRST_YEAR, "last": rules.LAST_YEAR},
                               returncode=2)
        found = Unit.objects.with_code(unit, year=year, month=month) if is_code(unit) else None
        if found is None:
            raise CommandError(_("Không có đơn vị mã %(code)s vào tháng %(month)s/%(year)s.") % {
                "code": unit, "month": month, "year": year}, returncode=2)
        dossiers = (Dossier.objects.filter(scope_q(found), received_on__year=year, received_on__month=month)
                    .select_related("procedure", "unit", "commune").order_by("received_on", "code"))
        rows = [{"source": dossier.source, "code": dossier.code, "procedure_code": dossier.procedure.code,
                 "procedure_name": dossier.procedure.name, "unit_code": dossier.unit.code,
                 "commune_code": dossier.commune.code if dossier.commune else "",
                 "received_on": dossier.received_on.isoformat(), "channel": dossier.channel,
                 "result_on": dossier.result_on.isoformat() if dossier.result_on else "",
                 "result_electronic": dossier.result_electronic} for dossier in dossiers.iterator(chunk_size=1000)]
        if format == "json":
            self.stdout.write(json.dumps({"unit_code": found.code, "unit_name": found.name, "year": year, "month": month,
                                          "dossiers": rows}, ensure_ascii=False, indent=1))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows({key: formula_safe(value) for key, value in row.items()} for row in rows)
        else:
            self.stdout.write(_("%(unit)s — tháng %(month)s/%(year)s: %(n)s hồ sơ") % {
                "unit": found.name, "month": month, "year": year, "n": len(rows)})
            for row in rows:
                self.stdout.write(f"  {row['received_on']}  {row['code']:<32} {row['procedure_code']:<14} {row['channel']}")
