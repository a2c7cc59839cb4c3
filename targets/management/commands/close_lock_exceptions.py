from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.services import close_ended_exceptions


class Command(BaseCommand):
    help = (
        "Đóng các ngoại lệ khóa đã hết hạn hoặc bị thu hồi, và lập lại kết quả chính thức của năm đã khóa có ngoại lệ "
        "(mã băm mới, kết quả cũ vẫn giữ). Chạy hằng ngày bằng cron."
    )

    def handle(self, *args, **options):
        for result in close_ended_exceptions():
            self.stdout.write(_("Đã lập lại kết quả chính thức năm %(year)s của %(district)s: SHA-256 %(hash)s.") % {
                "year": result.year, "district": result.district.name, "hash": result.sha256})
        self.stdout.write(_("Xong."))
