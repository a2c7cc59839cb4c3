import csv
import json

from django.core.management.base import BaseCommand, CommandError

from targets.formatting import format_rate_of
from targets.progress import CSV_COLUMNS, PolicyNotFound, compute_progress, get_policy, progress_document, progress_rows
from units.models import District


class Command(BaseCommand):
    help = "Tiến độ thực hiện chỉ tiêu DVCTT của mọi đơn vị, từ tháng 1 đến tháng chọn."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Năm của chính sách chỉ tiêu.")
        parser.add_argument("--through", type=int, default=12, help="Tính đến hết tháng (1–12); mặc định 12.")
        parser.add_argument("--district", help="Mã huyện (bắt buộc nếu nhiều huyện có chỉ tiêu năm đó).")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")

    def handle(self, *args, year, through, district=None, format="table", **options):
        if not 1 <= through <= 12:
            raise CommandError(f"Tháng phải từ 1 đến 12 (nhận được {through}).", returncode=2)
        district_obj = None
        if district:
            district_obj = District.objects.filter(code=district).first()
            if district_obj is None:
                raise CommandError(f"Không có huyện mã {district}.", returncode=2)
        try:
            policy = get_policy(year=year, district=district_obj)
        except PolicyNotFound as error:
            raise CommandError(str(error), returncode=2)
        progress = compute_progress(policy, through)
        if format == "json":
            self.stdout.write(json.dumps(progress_document(progress), ensure_ascii=False, indent=1))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(progress_rows(progress))
        else:
            self.write_table(progress)

    def write_table(self, progress):
        policy = progress.policy
        self.stdout.write(
            f"{policy.district.name} — chỉ tiêu năm {policy.year} theo văn bản {policy.document_number}, "
            f"số liệu tháng 1–{progress.through}/{policy.year}"
        )
        headers = ["Mã", "Đơn vị", "Chỉ tiêu", "Trực tuyến", "Tổng số", "Tỷ lệ", "Mục tiêu", "Trạng thái", "Còn thiếu", "Điểm trừ"]
        rows = []
        for entry in progress.units:
            for index, rule in enumerate(entry.rules):
                target = f"{rule.target.normalize():f}" + (" %" if rule.measure == "rate" else " hồ sơ")
                rows.append([
                    entry.unit.code if index == 0 else "",
                    entry.unit.name if index == 0 else "",
                    rule.code,
                    str(rule.online),
                    str(rule.total),
                    format_rate_of(rule.online, rule.total) if rule.measure == "rate" else "",
                    target,
                    str(rule.status_label),
                    "" if rule.shortfall is None else str(rule.shortfall),
                    f"{entry.points.normalize():f}" if index == 0 else "",
                ])
        numeric = {3, 4, 5, 8, 9}
        widths = [max(len(headers[i]), *(len(row[i]) for row in rows)) if rows else len(headers[i]) for i in range(len(headers))]

        def line(cells):
            return "  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip()

        self.stdout.write(line(headers))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row))
        flagged = sum(1 for entry in progress.units if entry.flagged)
        self.stdout.write("")
        self.stdout.write(f"{len(progress.units)} đơn vị; {flagged} đơn vị không đạt ít nhất một chỉ tiêu.")
