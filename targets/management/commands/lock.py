from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions import rules
from submissions.locks import period_label
from submissions.services import CountsRefused, lock_period
from targets.models import TargetPolicy
from targets.services import YearNotReady, lock_year
from units.models import District


def district_from(code: str | None, year: int | None = None) -> District:
    """The administration --district (--administration) names; without it, the only one there is,
    or the only one with targets that year."""
    if code:
        district = District.objects.filter(code=code).first()
        if district is None:
            raise CommandError(_("Không có huyện mã %(code)s (hay tỉnh mã %(code)s).") % {"code": code})
        return district
    districts = list(District.objects.all()[:2])
    if len(districts) > 1 and year is not None:
        districts = list(District.objects.filter(policies__year=year).distinct()[:2])
    if len(districts) != 1:
        raise CommandError(_("Có nhiều tỉnh, huyện (hoặc chưa có nơi nào có chỉ tiêu năm đó): hãy chỉ rõ "
                             "--administration MÃ."))
    return districts[0]


def user_from(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("Không có người dùng %(user)s.") % {"user": username})
    return user


def policy_of(district: District, year: int) -> TargetPolicy:
    policy = TargetPolicy.objects.select_related("district").filter(district=district, year=year).first()
    if policy is None:
        raise CommandError(_("Năm %(year)s chưa có chỉ tiêu (chính sách) của %(district)s: không có kết quả nào để khóa.")
                           % {"year": year, "district": district.name})
    return policy


def add_period_arguments(parser):
    parser.add_argument("--year", type=int, required=True, help="Năm, ví dụ 2020.")
    parser.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12", help="Tháng; bỏ trống: cả năm.")
    parser.add_argument("--district", "--administration", dest="district",
                        help="Mã tỉnh hoặc huyện (mặc định: nơi duy nhất có chỉ tiêu năm đó).")
    parser.add_argument("--by", help="Tên đăng nhập của người ra lệnh, ghi vào nhật ký khóa.")


class Command(BaseCommand):
    help = (
        "Khóa số liệu một tháng, hoặc cả năm: khóa năm lưu kết quả chính thức (mã băm SHA-256). Năm còn tháng chưa "
        "nhập, chưa xác nhận, chưa phê duyệt hay đơn vị chưa có số liệu thì liệt kê và không khóa (mã thoát 1), "
        "trừ khi ghi --reason."
    )

    def add_arguments(self, parser):
        add_period_arguments(parser)
        parser.add_argument("--reason", default="", help="Lý do khóa năm khi số liệu chưa sẵn sàng.")

    def handle(self, *args, year, month=None, district=None, by=None, reason="", **options):
        if not rules.is_valid_year(year):
            raise CommandError(_("Năm phải từ %(first)s đến %(last)s.") % {"first": rules.FIRST_YEAR, "last": rules.LAST_YEAR})
        district_obj, user = district_from(district, year), user_from(by)
        if month is not None:
            try:
                lock_period(district=district_obj, year=year, month=month, user=user, reason="command")
            except CountsRefused as refused:
                raise CommandError(refused.message) from None
            self.stdout.write(_("Đã khóa %(period)s.") % {"period": period_label(year, month).lower()})
            return
        if not district_obj.policies.filter(year=year).exists():
            try:  # no targets that year: the counts are locked, there is no result to keep
                lock_period(district=district_obj, year=year, user=user, reason="command")
            except CountsRefused as refused:
                raise CommandError(refused.message) from None
            self.stdout.write(_("Đã khóa năm %(year)s (năm chưa có chỉ tiêu nên không có kết quả chấm điểm để lưu).") % {"year": year})
            return
        try:
            result = lock_year(policy=policy_of(district_obj, year), user=user, reason=reason, how="command")
        except YearNotReady as refused:
            self.stderr.write(refused.message)
            for line in refused.gaps.lines():
                self.stderr.write("  " + line)
            raise CommandError(_("Không khóa gì. Ghi --reason \"…\" để vẫn khóa."), returncode=1) from None
        except CountsRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(_("Đã khóa năm %(year)s. Kết quả chính thức: SHA-256 %(hash)s.") % {"year": year, "hash": result.sha256})
        if result.gaps:
            self.stdout.write(_("Khóa khi chưa sẵn sàng, lý do: %(reason)s") % {"reason": result.reason})
