import csv
import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from submissions.rules import month_range_label
from targets.cli import checked_month, year_and_district
from targets.completeness import compute_completeness, last_due_month

CSV_COLUMNS = ["unit_code", "unit_name", "months_expected", "months_reported", "months_missing", "months_confirmed",
               "months_approved", "months_late"]


class Command(BaseCommand):
    help = (
        "Tình hình báo cáo của các đơn vị trong năm: số tháng phải báo cáo, đã báo cáo, đã xác nhận, đã phê duyệt, "
        "trễ hạn, còn thiếu; tỷ lệ đầy đủ và đúng hạn của huyện. Dùng cho người và cho cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Năm, ví dụ 2020.")
        parser.add_argument("--through", type=int, help="Đến hết tháng (1–12); mặc định: tháng cuối đã đến hạn báo cáo.")
        parser.add_argument("--district", "--administration", dest="district",
                        help="Mã tỉnh hoặc huyện (mặc định: nơi duy nhất có chỉ tiêu năm đó).")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")

    def handle(self, *args, year, through=None, district=None, format="table", **options):
        district_obj = year_and_district(year, district)
        if through is None:
            through = last_due_month(district_obj, year) or 1
        checked_month(through)
        completeness = compute_completeness(district_obj, year, through)
        if format == "json":
            self.stdout.write(json.dumps(completeness.as_document(), ensure_ascii=False, indent=1))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for unit in completeness.units:
                writer.writerow({
                    "unit_code": unit.unit.code, "unit_name": unit.unit.name,
                    "months_expected": unit.months_expected, "months_reported": unit.months_reported,
                    "months_missing": " ".join(map(str, unit.months_missing)),
                    "months_confirmed": unit.months_confirmed, "months_approved": unit.months_approved,
                    "months_late": " ".join(map(str, unit.months_late)),
                })
        else:
            self.write_table(completeness)

    def write_table(self, completeness):
        district = completeness.district
        self.stdout.write(_("%(district)s — tình hình báo cáo năm %(year)s, tháng 1–%(through)s") % {
            "district": district.name, "year": completeness.year, "through": completeness.through})
        headers = [_("Mã"), _("Đơn vị"), _("Phải BC"), _("Đã BC"), _("Xác nhận"), _("Phê duyệt"), _("Trễ hạn"), _("Còn thiếu")]
        rows = [
            [unit.unit.code, unit.unit.name, str(unit.months_expected), str(unit.months_reported), str(unit.months_confirmed),
             str(unit.months_approved), month_range_label(unit.months_late), month_range_label(unit.months_missing)]
            if unit.applies else [unit.unit.code, unit.unit.name, "–", "–", "–", "–", "", _("không áp dụng")]
            for unit in completeness.units
        ]
        widths = [max(len(str(headers[i])), *(len(row[i]) for row in rows)) for i in range(len(headers))]
        self.stdout.write("  ".join(str(h).ljust(widths[i]) for i, h in enumerate(headers)).rstrip())
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        self.stdout.write("")
        rate = "—" if completeness.rate is None else f"{completeness.rate:.2f} %"
        timeliness = "—" if completeness.timeliness_rate is None else f"{completeness.timeliness_rate:.2f} %"
        self.stdout.write(_("Đầy đủ: %(reported)s/%(expected)s (%(rate)s); đúng hạn: %(on_time)s/%(timed)s (%(timeliness)s).") % {
            "reported": completeness.reported, "expected": completeness.expected, "rate": rate,
            "on_time": completeness.on_time, "timed": completeness.timed, "timeliness": timeliness})
        self.stdout.write(completeness.statement())
