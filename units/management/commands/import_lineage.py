from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from units.lineage import MAX_MAPPING_BYTES, read_mapping
from units.models import District, Level
from units.services import Refused, reorganize


class Command(BaseCommand):
    help = _("Nạp bảng chuyển đổi đơn vị hành chính cũ → mới (sáp nhập, chia tách, đổi tên) của một tỉnh.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Tệp CSV: mã cũ, tên cũ, mã mới, tên mới, ngày hiệu lực, văn bản (cột tỷ lệ nếu chia tách)."))
        parser.add_argument("--province", help=_("Mã tỉnh nhận các đơn vị mới (mặc định: tỉnh của các đơn vị cũ)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi."))

    def handle(self, *args, file, province=None, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise CommandError(_("Tệp quá lớn (%(size)s byte); giới hạn là %(limit)s byte.") % {
                "size": path.stat().st_size, "limit": MAX_MAPPING_BYTES})
        changes, errors = read_mapping(path.read_bytes())
        if errors:
            raise CommandError("\n".join(errors))
        administration = None
        if province:
            administration = District.objects.filter(code=province, level=Level.PROVINCE).first()
            if administration is None:
                raise CommandError(_("Không có tỉnh mã %(code)s.") % {"code": province})
        try:
            result = reorganize(changes=changes, administration=administration, dry_run=dry_run)
        except Refused as refused:
            raise CommandError(refused.message) from None
        done = _("Kiểm tra xong (chưa ghi)") if dry_run else _("Đã nạp")
        self.stdout.write(_("%(done)s: %(rows)s dòng; %(created)s đơn vị mới, %(ended)s đơn vị cũ ngừng hoạt động, "
                            "%(links)s liên kết.") % {"done": done, "rows": len(changes), "created": len(result.created),
                                                      "ended": len(result.ended), "links": result.links})
