from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions.models import LockException
from targets.services import standing_result, verify_result

from .lock import district_from


class Command(BaseCommand):
    help = (
        "Tính lại một năm đã khóa và so với kết quả chính thức lưu khi khóa: mã thoát 0 khi giống hệt, 1 kèm danh sách "
        "khác biệt khi cơ sở dữ liệu bị sửa ngoài hệ thống."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Năm đã khóa, ví dụ 2020.")
        parser.add_argument("--district", "--administration", dest="district",
                        help="Mã tỉnh hoặc huyện (mặc định: nơi duy nhất có chỉ tiêu năm đó).")

    def handle(self, *args, year, district=None, **options):
        try:
            district_obj = district_from(district, year)
        except CommandError as error:
            raise CommandError(str(error), returncode=2) from None
        result = standing_result(district_obj, year)
        if result is None:
            raise CommandError(_("Năm %(year)s của %(district)s chưa khóa nên chưa có kết quả chính thức để đối chiếu.")
                               % {"year": year, "district": district_obj.name}, returncode=2)
        problems = verify_result(result)
        if problems:
            self.stderr.write(_("Năm %(year)s KHÁC kết quả chính thức (SHA-256 %(hash)s) ở %(count)s chỗ:")
                              % {"year": year, "hash": result.sha256, "count": len(problems)})
            for line in problems:
                self.stderr.write("  " + line)
            unclosed = LockException.objects.filter(unit__district=district_obj, year=year, closed_at__isnull=True)
            if unclosed.exists():
                self.stderr.write(_("Có %(count)s ngoại lệ khóa chưa đóng: thay đổi trong ngoại lệ được đưa vào kết quả khi "
                                    "ngoại lệ đóng (close_lock_exceptions).") % {"count": unclosed.count()})
            raise CommandError(_("Số liệu đã bị thay đổi ngoài hệ thống sau khi khóa."), returncode=1)
        self.stdout.write(_("Năm %(year)s khớp với kết quả chính thức (SHA-256 %(hash)s).") % {"year": year, "hash": result.sha256})
