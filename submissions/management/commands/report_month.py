from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from submissions import rules, services
from submissions.locks import period_label
from submissions.models import ChangeReason
from units.access import confirms_on_behalf, may_approve, may_confirm, may_enter
from units.models import Unit

ACTIONS = {
    # action: (who may, done)
    "empty": (may_enter, gettext_lazy("Đã ghi %(period)s của %(unit)s là không phát sinh hồ sơ.")),
    "confirm": (may_confirm, gettext_lazy("Đã xác nhận số liệu %(period)s của %(unit)s.")),
    "approve": (may_approve, gettext_lazy("Đã phê duyệt số liệu %(period)s của %(unit)s.")),
    "unapprove": (may_approve, gettext_lazy("Đã hủy phê duyệt số liệu %(period)s của %(unit)s.")),
}


class Command(BaseCommand):
    help = (
        "Chuyển trạng thái báo cáo của một đơn vị-tháng, như các nút trên bảng nhập: empty (không phát sinh hồ sơ), "
        "confirm (xác nhận), approve (phê duyệt), unapprove (hủy phê duyệt, bắt buộc --reason). --by là người làm, "
        "với đúng quyền của người đó."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=sorted(ACTIONS))
        parser.add_argument("--unit", required=True, help="Mã đơn vị.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True, choices=range(1, 13), metavar="1-12")
        parser.add_argument("--by", required=True, help="Tên đăng nhập của người làm (được ghi vào lịch sử).")
        parser.add_argument("--reason", default="", help="Lý do (bắt buộc khi hủy phê duyệt).")

    def handle(self, *args, action, unit, year, month, by, reason="", **options):
        if not rules.is_valid_year(year):
            raise CommandError(_("Năm phải từ %(first)s đến %(last)s.") % {"first": rules.FIRST_YEAR, "last": rules.LAST_YEAR})
        unit_obj = Unit.objects.select_related("district").with_code(unit, year=year, month=month)
        if unit_obj is None:
            raise CommandError(_("Không có đơn vị mã %(code)s.") % {"code": unit})
        user = get_user_model().objects.filter(username=by).first()
        if user is None:
            raise CommandError(_("Không có người dùng %(user)s.") % {"user": by})
        allowed, done = ACTIONS[action]
        if not allowed(user, unit_obj):
            raise CommandError(_("Bạn không có quyền làm việc này với số liệu của đơn vị này."))
        try:
            if action == "empty":
                services.record_empty_month(unit=unit_obj, year=year, month=month, user=user, reason=ChangeReason.COMMAND)
            elif action == "confirm":
                services.confirm_month(unit=unit_obj, year=year, month=month, user=user,
                                       on_behalf=confirms_on_behalf(user, unit_obj))
            elif action == "approve":
                services.approve_month(unit=unit_obj, year=year, month=month, user=user)
            else:
                services.unapprove_month(unit=unit_obj, year=year, month=month, user=user, reason=reason)
        except services.CountsRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(str(done) % {"period": period_label(year, month).lower(), "unit": unit_obj.name})
