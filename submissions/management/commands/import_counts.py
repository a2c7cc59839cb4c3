from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions.importing import apply_import, error_line, preview_import
from submissions.models import ChangeReason
from submissions.services import CountsRefused, UnusualNotConfirmed


class Command(BaseCommand):
    help = _(
        "Nhập số liệu từ tệp .xlsx hoặc .csv theo mẫu: in mọi thay đổi và mọi lỗi; ghi tất cả trong một "
        "giao dịch, hoặc không ghi gì nếu có lỗi (mã thoát 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra và in thay đổi, không ghi."))
        parser.add_argument("--user", help=_("Tên đăng nhập ghi vào lịch sử thay đổi (mặc định: dòng lệnh)."))
        parser.add_argument(
            "--confirm-unusual", action="store_true",
            help=_("Xác nhận đã kiểm tra các số bất thường được in ra (không có thì tệp có số bất thường không được ghi)."),
        )

    def handle(self, *args, file, dry_run=False, user=None, confirm_unusual=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        limit = settings.DVCTT_MAX_UPLOAD_BYTES
        if path.stat().st_size > limit:
            raise CommandError(
                _("Tệp quá lớn (%(size)s byte); giới hạn là %(limit)s byte.") % {"size": path.stat().st_size, "limit": limit}
            )
        person = None
        if user:
            person = get_user_model().objects.filter(username=user).first()
            if person is None:
                raise CommandError(_("Không có người dùng %(user)s.") % {"user": user})
        preview = preview_import(data=path.read_bytes(), filename=path.name)
        self.stdout.write(preview.summary())
        for line in preview.change_lines():
            self.stdout.write("  " + line)
        if preview.ok and preview.empty_months:
            self.stdout.write(preview.empty_months_line())
        for line in [*preview.warnings, *preview.notices]:
            self.stdout.write("  " + error_line(line))
        if not preview.ok:
            for line in preview.error_lines():
                self.stderr.write("  " + line)
            raise CommandError(_("Tệp bị từ chối: không số nào được ghi."))
        if dry_run:
            self.stdout.write(_("Chạy thử (--dry-run): không ghi gì."))
            return
        try:
            changes = apply_import(preview, user=person, reason=ChangeReason.COMMAND, confirm_unusual=confirm_unusual)
        except UnusualNotConfirmed as refused:
            raise CommandError(refused.message + " " + _("Chạy lại với --confirm-unusual sau khi đã kiểm tra.")) from None
        except CountsRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(_("Đã ghi %(count)s thay đổi.") % {"count": len(changes)})
