import csv
import json

from django.core.management.base import BaseCommand

from submissions.exporting import formula_safe
from dvctt_portal.figures import format_rate_of
from targets.cli import add_period_arguments, policies_of_year, policy_from_options
from targets.documents import CSV_COLUMNS, progress_document, progress_rows, province_document
from targets.completeness import compute_completeness, compute_completeness_many
from targets.progress import compute_progress, compute_progress_many
from targets.results import earns_points


def formula_safe_rows(rows):
    """CSV rows whose text a spreadsheet program would run as a formula (a unit named "=…") is kept as text."""
    for row in rows:
        yield {key: formula_safe(value) for key, value in row.items()}


class Command(BaseCommand):
    help = "Tiến độ thực hiện chỉ tiêu DVCTT của mọi đơn vị, từ tháng 1 đến tháng chọn."

    def add_arguments(self, parser):
        add_period_arguments(parser)
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
        parser.add_argument(
            "--all-districts", action="store_true",
            help="Mọi huyện có chỉ tiêu năm đó (cả tỉnh), tính cùng lúc bằng một truy vấn tổng hợp.",
        )

    def handle(self, *args, year, through, district=None, format="table", all_districts=False, **options):
        if all_districts:
            return self.handle_many(year=year, through=through, format=format)
        policy = policy_from_options(year=year, through=through, district=district)
        progress = compute_progress(policy, through)
        completeness = compute_completeness(policy.district, year, through)
        if format == "json":
            self.stdout.write(json.dumps(progress_document(progress, completeness), ensure_ascii=False, indent=1))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(formula_safe_rows(progress_rows(progress)))
        else:
            self.write_table(progress, completeness)

    def handle_many(self, *, year, through, format):
        progresses = compute_progress_many(policies_of_year(year=year, through=through), through)
        completeness = compute_completeness_many([progress.policy.district for progress in progresses], year, through)
        if format == "json":
            document = province_document(progresses, year=year, through=through, completeness=completeness)
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=["district_code", *CSV_COLUMNS], lineterminator="\n")
            writer.writeheader()
            for progress in progresses:
                code = progress.policy.district.code
                writer.writerows(formula_safe_rows({"district_code": code, **row} for row in progress_rows(progress)))
        else:
            for index, progress in enumerate(progresses):
                if index:
                    self.stdout.write("")
                self.write_table(progress, completeness[progress.policy.district_id])

    def write_table(self, progress, completeness):
        policy = progress.policy
        months = f" ({policy.months_label})" if not policy.is_whole_year else ""
        self.stdout.write(
            f"{policy.district.name} — chỉ tiêu năm {policy.year}{months} theo văn bản {policy.document_number}, "
            f"số liệu tháng {policy.first_month}–{min(progress.through, policy.last_month)}/{policy.year}"
        )
        self.stdout.write(completeness.statement())
        headers = ["Mã", "Đơn vị", "Chỉ tiêu", "Trực tuyến", "Tổng số", "Tỷ lệ", "Mục tiêu", "Trạng thái", "Còn thiếu", "Điểm trừ"]
        scored = earns_points(progress.rules)
        if scored:  # a policy that earns points (Decision 766): each rule's points, each unit's score
            headers += ["Điểm đạt", "Điểm"]
        rows = []
        for entry in progress.units:
            for index, rule in enumerate(entry.rules):
                target = f"{rule.target.normalize():f}" + (" hồ sơ" if rule.measure == "count" else " %")
                if rule.of is not None:  # a share of procedures: counted of those in scope
                    value = f"{format_rate_of(rule.counted, rule.of)} ({rule.counted}/{rule.of} thủ tục)"
                else:
                    value = format_rate_of(rule.online, rule.total) if rule.measure == "rate" else ""
                row = [
                    entry.unit.code if index == 0 else "",
                    entry.unit.name if index == 0 else "",
                    rule.code,
                    str(rule.online),
                    str(rule.total),
                    value,
                    target,
                    str(rule.status_label),
                    "" if rule.shortfall is None else str(rule.shortfall),
                    f"{entry.points.normalize():f}" if index == 0 else "",
                ]
                if scored:
                    earned = "" if not rule.is_proportional else "N/A" if rule.earned is None else f"{rule.earned.normalize():f}"
                    row += [earned, f"{entry.score.normalize():f}" if index == 0 else ""]
                rows.append(row)
        numeric = {3, 4, 5, 8, 9, 10, 11}
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
