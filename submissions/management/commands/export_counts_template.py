from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions import exporting, rules
from units.models import Unit


class Command(BaseCommand):
    help = _("Xuất mẫu số liệu một tháng (mọi đơn vị hoặc một đơn vị) ra tệp .xlsx hoặc .csv, có sẵn số đã lưu.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True, choices=range(1, 13), metavar="1-12")
        parser.add_argument("--unit", help=_("Mã đơn vị; bỏ trống: mọi đơn vị đang hoạt động."))
        parser.add_argument("-o", "--output", required=True, help=_("Tệp ghi ra, .xlsx hoặc .csv."))

    def handle(self, *args, year, month, unit=None, output, **options):
        if not rules.is_valid_year(year):
            raise CommandError(_("Năm phải từ %(first)s đến %(last)s.") % {"first": rules.FIRST_YEAR, "last": rules.LAST_YEAR})
        path = Path(output)
        extension = path.suffix.lower()
        if extension not in (".xlsx", ".csv"):
            raise CommandError(_("Tệp ghi ra phải có đuôi .xlsx hoặc .csv."))
        if unit:
            found = Unit.objects.with_code(unit, year=year, month=month)
            units = Unit.objects.filter(pk=found.pk if found else None)
            if found is None:
                raise CommandError(_("Không có đơn vị mã %(code)s.") % {"code": unit})
        else:
            units = Unit.objects.active()
        rows = exporting.template_rows(units, year, month)
        count = 0

        def counted():
            nonlocal count
            for row in rows:
                count += 1
                yield row

        if extension == ".xlsx":
            with open(path, "wb") as stream:
                exporting.write_xlsx(counted(), stream)
        else:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                exporting.write_csv(counted(), stream)
        self.stdout.write(
            _("Đã ghi %(rows)s dòng (tháng %(month)s/%(year)s) vào %(path)s.")
            % {"rows": count, "month": month, "year": year, "path": path}
        )
