from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.locks import year_lock
from reports.selectors import scoring_lines
from reports.workbooks import scoring_workbook
from targets.progress import PolicyNotFound, compute_progress, get_policy
from units.models import District


class Command(BaseCommand):
    help = "Ghi bảng chấm điểm thi đua cuối năm (tệp .xlsx), giống hệt tệp tải từ trang Chấm điểm cuối năm."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Năm của chính sách chỉ tiêu.")
        parser.add_argument("--through", type=int, default=12, help="Tính đến hết tháng (1–12); mặc định 12.")
        parser.add_argument("--district", help="Mã huyện (bắt buộc nếu nhiều huyện có chỉ tiêu năm đó).")
        parser.add_argument("-o", "--output", required=True, help="Tệp .xlsx sẽ ghi ra.")

    def handle(self, *args, year, through, output, district=None, **options):
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
        content = scoring_workbook(
            progress, scoring_lines(progress), locked=year_lock(policy.district, year) is not None
        )
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
