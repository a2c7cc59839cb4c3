import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.cli import year_and_district
from targets.quality import quality_items


class Command(BaseCommand):
    help = _(
        "Các số liệu bất thường của một năm so với chính lịch sử của đơn vị (vượt quá max(10, 3 × trung vị 12 tháng "
        "có số liệu gần nhất); tổng tháng tăng hơn 5 lần hoặc về 0 sau 3 tháng có hồ sơ; trực tuyến từ 0 % lên 100 %), "
        "đã hay chưa được xác nhận, để xem lại trước khi khóa năm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--district", "--administration", dest="district",
                        help="Mã tỉnh hoặc huyện (mặc định: nơi duy nhất có chỉ tiêu năm đó).")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, year, district=None, format="table", **options):
        district_obj = year_and_district(year, district)
        items = quality_items(district_obj, year)
        if format == "json":
            self.stdout.write(json.dumps({"year": year, "items": [item.as_document() for item in items]},
                                         ensure_ascii=False, indent=1))
            return
        for item in items:
            limit = "—" if item.expected_max is None else f"≤ {item.expected_max}"
            checked = item.confirmed_text or _("chưa xác nhận")
            self.stdout.write(f"{item.unit_code}\t{item.procedure_code or _('cả tháng')}\tT{item.month}\t{item.field}\t"
                              f"{item.value}\t{limit}\t{item.reason}\t{checked}")
        unconfirmed = sum(1 for item in items if not item.confirmed)
        self.stdout.write(_("%(count)s giá trị bất thường trong năm %(year)s, %(unconfirmed)s chưa được xác nhận.") % {
            "count": len(items), "year": year, "unconfirmed": unconfirmed})
