from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

import json

from reports.locks import year_lock
from reports.selectors import scoring_lines, scoring_notes
from reports.workbooks import scoring_workbook
from targets.cli import add_period_arguments, policy_from_options
from targets.completeness import compute_completeness
from targets.documents import progress_from_document
from targets.progress import compute_progress
from targets.services import standing_result


class Command(BaseCommand):
    help = "Ghi bảng chấm điểm thi đua cuối năm (tệp .xlsx), giống hệt tệp tải từ trang Chấm điểm cuối năm."

    def add_arguments(self, parser):
        add_period_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="Tệp .xlsx sẽ ghi ra.")

    def handle(self, *args, year, through, output, district=None, **options):
        policy = policy_from_options(year=year, through=through, district=district)
        locked = year_lock(policy.district, year) is not None
        record = standing_result(policy.district, year) if locked else None
        if record is not None and through == 12:  # a locked year: what its official result recorded
            progress = progress_from_document(policy, json.loads(record.document))
        else:
            progress = compute_progress(policy, through)
        notes = scoring_notes(compute_completeness(policy.district, year, through), record)
        content = scoring_workbook(progress, scoring_lines(progress), locked=locked, notes=notes,
                                   gaps=record.gaps if record is not None else ())
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {path}: {error.strerror}.", returncode=2)
        flagged = sum(1 for entry in progress.units if entry.flagged)
        self.stdout.write(
            f"Đã ghi {path}: {len(progress.units)} đơn vị, {flagged} đơn vị bị trừ điểm "
            f"(số liệu tháng 1–{through}/{year}, {policy.document_number})."
        )
