import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dvctt_portal.figures import format_change, format_rate
from targets.trends import unit_trends
from units.models import Unit
from units.rules import is_code


class Command(BaseCommand):
    help = _("Tỷ lệ hồ sơ trực tuyến của một đơn vị qua các năm, cộng cả các đơn vị trước khi sáp nhập, chia tách.")

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help=_("Mã đơn vị."))
        parser.add_argument("--on", type=date.fromisoformat, default=None,
                            help=_("Đơn vị mang mã đó vào ngày này (YYYY-MM-DD); mặc định: hôm nay."))
        parser.add_argument("--from", dest="first_year", type=int, default=2020, help=_("Từ năm (mặc định 2020)."))
        parser.add_argument("--to", dest="last_year", type=int, default=None, help=_("Đến năm (mặc định: năm nay)."))
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, unit, on=None, first_year=2020, last_year=None, format="table", **options):
        on = on or date.today()
        last_year = last_year or on.year
        if not (2000 <= first_year <= last_year <= 2100):
            raise CommandError(_("Khoảng năm không hợp lệ: từ %(first)s đến %(last)s.") % {
                "first": first_year, "last": last_year}, returncode=2)
        found = Unit.objects.with_code(unit, year=on.year, month=on.month) if is_code(unit) else None
        if found is None:
            raise CommandError(_("Không có đơn vị mã %(code)s vào ngày %(day)s.") % {
                "code": unit, "day": on.strftime("%d/%m/%Y")}, returncode=2)
        trend = unit_trends(found, first_year=first_year, last_year=last_year)
        if format == "json":
            document = {"unit_code": found.code, "unit_name": found.name, "years": [
                {"year": entry.year, "online": entry.online, "total": entry.total,
                 "rate": None if entry.rate is None else f"{entry.rate:.2f}", "made_of": list(entry.made_of)}
                for entry in trend.years]}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{found.name} ({found.code}, {found.period_label or _('không giới hạn')})")
        for label in trend.labels:
            self.stdout.write(label)
        self.stdout.write(f"{_('Năm'):<6}{_('Trực tuyến'):>12}{_('Tổng số'):>10}{_('Tỷ lệ'):>10}{_('Thay đổi'):>12}"
                          f"{_('Xếp hạng'):>10}  {_('Gồm')}")
        for entry in trend.years:
            rank = f"{entry.rank}/{entry.peers}" if entry.rank else "—"
            self.stdout.write(f"{entry.year:<6}{entry.online:>12}{entry.total:>10}{format_rate(entry.rate):>10}"
                              f"{format_change(entry.change):>12}{rank:>10}  {', '.join(entry.made_of)}")
