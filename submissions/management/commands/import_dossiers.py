from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions.dossiers import read_and_import
from units.access import may_enter
from units.models import Unit

class Command(BaseCommand):
    help = _("Nhập danh sách hồ sơ xuất từ hệ thống một cửa (.xlsx hoặc .csv) và tính số liệu tháng từ đó: "
             "in tóm tắt; ghi tất cả hoặc không ghi gì (mã thoát 1 nếu bị từ chối).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help=_("Tên hệ thống nguồn, như “Một cửa huyện Đức Thọ”."))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra và in tóm tắt, không ghi."))
        parser.add_argument("--user", help=_("Tên đăng nhập ghi vào lịch sử (chỉ các đơn vị người đó được nhập)."))
        parser.add_argument("--take-over-typed", action="store_true",
                            help=_("Chuyển các tháng đang nhập tay mà danh sách có hồ sơ sang lấy số liệu từ danh sách "
                                   "(ghi vào lịch sử); không có thì danh sách chạm tháng nhập tay bị từ chối."))
        parser.add_argument("--confirm-unusual", action="store_true",
                            help=_("Xác nhận đã kiểm tra các số bất thường (không có thì không ghi)."))

    def _progress(self, rows_read: int, rows_total: int | None) -> None:
        if rows_read % 50_000 < 2000:  # about every 50,000 rows (the import reads 2,000 at a time)
            self.stderr.write(_("  đã đọc %(read)s / %(total)s dòng") % {"read": rows_read, "total": rows_total or "?"})

    def handle(self, *args, file, source, dry_run=False, user=None, confirm_unusual=False, take_over_typed=False,
               **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        limit = settings.DVCTT_MAX_DOSSIER_UPLOAD_BYTES
        if path.stat().st_size > limit:
            raise CommandError(_("Tệp quá lớn (%(size)s byte); giới hạn là %(limit)s byte.") % {
                "size": path.stat().st_size, "limit": limit})
        person = None
        if user:
            person = get_user_model().objects.filter(username=user).first()
            if person is None:
                raise CommandError(_("Không có người dùng %(user)s.") % {"user": user})
        units = list(Unit.objects.select_related("district"))
        if person is not None:
            units = [unit for unit in units if may_enter(person, unit)]
        with open(path, "rb") as stored:  # read one row at a time
            preview = read_and_import(stored, path.name, source=source, units=units, user=person, dry_run=dry_run,
                                      take_over_typed=take_over_typed, confirm_unusual=confirm_unusual,
                                      progress=self._progress if options.get("verbosity", 1) >= 2 else None)
        if not preview.ok:
            for line in preview.errors:
                self.stderr.write("  " + line)
            if preview.unusual:
                raise CommandError(_("Chạy lại với --confirm-unusual sau khi đã kiểm tra."))
            raise CommandError(_("Danh sách bị từ chối: không hồ sơ nào được ghi."))
        result = preview.result
        self.stdout.write(_("%(total)s hồ sơ: %(new)s mới, %(changed)s thay đổi, %(unchanged)s không đổi; "
                            "%(counts)s số liệu tháng được tính lại.") % {
            "total": result.total, "new": result.new, "changed": result.changed, "unchanged": result.unchanged,
            "counts": result.counts_changed})
        if result.not_counted:
            self.stdout.write(_("  bỏ qua %(n)s hồ sơ của thủ tục không tính chỉ tiêu (mức độ 2)") % {"n": result.not_counted})
        for unit_name, year, month in result.taken_over:
            self.stdout.write(_("  %(unit)s, tháng %(month)s/%(year)s: chuyển từ nhập tay sang danh sách hồ sơ") % {
                "unit": unit_name, "month": month, "year": year})
        for (year, month, unit_name), count in sorted(result.per_month_unit.items()):
            self.stdout.write(f"  {month:02d}/{year}  {unit_name}: {count}")
        if dry_run:
            self.stdout.write(_("Chạy thử (--dry-run): không ghi gì."))
