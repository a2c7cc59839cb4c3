from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions import rules
from submissions.locks import period_label
from submissions.services import CountsRefused, lock_period
from units.models import District


def district_from(code: str | None) -> District:
    if code:
        district = District.objects.filter(code=code).first()
        if district is None:
            raise CommandError(_("Không có huyện mã %(code)s.") % {"code": code})
        return district
    districts = list(District.objects.all()[:2])
    if len(districts) != 1:
        raise CommandError(_("Có nhiều huyện (hoặc chưa có huyện nào): hãy chỉ rõ --district MÃ."))
    return districts[0]


def user_from(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("Không có người dùng %(user)s.") % {"user": username})
    return user


def add_period_arguments(parser):
    parser.add_argument("--year", type=int, required=True, help="Năm, ví dụ 2020.")
    parser.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12", help="Tháng; bỏ trống: cả năm.")
    parser.add_argument("--district", help="Mã huyện (mặc định: huyện duy nhất trong hệ thống).")
    parser.add_argument("--by", help="Tên đăng nhập của người ra lệnh, ghi vào nhật ký khóa.")


class Command(BaseCommand):
    help = "Khóa số liệu một năm (hoặc một tháng): mọi thay đổi số liệu của thời gian đó bị từ chối."

    def add_arguments(self, parser):
        add_period_arguments(parser)

    def handle(self, *args, year, month=None, district=None, by=None, **options):
        if not rules.is_valid_year(year):
            raise CommandError(_("Năm phải từ %(first)s đến %(last)s.") % {"first": rules.FIRST_YEAR, "last": rules.LAST_YEAR})
        try:
            lock_period(district=district_from(district), year=year, month=month, user=user_from(by), reason="command")
        except CountsRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(_("Đã khóa %(period)s.") % {"period": period_label(year, month).lower()})
