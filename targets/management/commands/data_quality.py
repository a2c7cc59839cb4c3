import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.cli import year_and_district
from targets.quality import quality_items


class Command(BaseCommand):
    help = (
        "Các số liệu bất thường của một năm so với chính lịch sử của đơn vị (vượt quá max(10, 3 × trung vị 12 tháng "
        "có số liệu gần nhất)), để xem lại trước khi khóa năm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--district", help="Mã huyện (mặc định: huyện duy nhất trong hệ thống).")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, year, district=None, format="table", **options):
        district_obj = year_and_district(year, district)
        items = quality_items(district_obj, year)
        if format == "json":
            self.stdout.write(json.dumps({"year": year, "items": [item.as_document() for item in items]},
                                         ensure_ascii=False, indent=1))
            return
        for item in items:
            self.stdout.write(f"{item.unit_code}\t{item.procedure_code}\tT{item.month}\t{item.field}\t{item.value}\t"
                              f"≤ {item.expected_max}\t{item.reason}")
        self.stdout.write(_("%(count)s giá trị bất thường trong năm %(year)s.") % {"count": len(items), "year": year})
