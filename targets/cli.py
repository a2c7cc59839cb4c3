"""What the commands that read progress share: the --year/--through/--district options and
turning them into a policy, with a clear message and exit status 2 when they do not fit."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from submissions import rules
from units.models import District

from .models import TargetPolicy
from .progress import get_policy
from .results import PolicyNotFound


def add_period_arguments(parser) -> None:
    parser.add_argument("--year", type=int, required=True, help=_("Năm của chính sách chỉ tiêu."))
    parser.add_argument("--through", type=int, default=12, help=_("Tính đến hết tháng (1–12); mặc định 12."))
    parser.add_argument("--district", "--administration", dest="district",
                        help=_("Mã tỉnh hoặc huyện ban hành chỉ tiêu (bắt buộc nếu nhiều nơi có chỉ tiêu năm đó)."))


def year_and_district(year: int, code: str | None) -> District:
    """A command's --year and --district, checked: a message and exit status 2 when they do not fit."""
    if not rules.is_valid_year(year):
        raise CommandError(_("Năm phải từ %(first)s đến %(last)s.") % {"first": rules.FIRST_YEAR, "last": rules.LAST_YEAR},
                           returncode=2)
    if code:
        district = District.objects.filter(code=code).first()
        if district is None:
            raise CommandError(_("Không có huyện mã %(code)s.") % {"code": code}, returncode=2)
        return district
    districts = list(District.objects.all()[:2])
    if len(districts) > 1:  # the one administration with targets that year, if only one has
        districts = list(District.objects.filter(policies__year=year).distinct()[:2])
    if len(districts) != 1:
        raise CommandError(_("Có nhiều tỉnh, huyện (hoặc chưa có nơi nào có chỉ tiêu năm đó): hãy chỉ rõ "
                             "--administration MÃ."), returncode=2)
    return districts[0]


def checked_month(through: int) -> int:
    if not 1 <= through <= 12:
        raise CommandError(_("Tháng phải từ 1 đến 12 (nhận được %(month)s).") % {"month": through}, returncode=2)
    return through


def policy_from_options(*, year: int, through: int, district: str | None):
    checked_month(through)
    district_obj = None
    if district:
        district_obj = District.objects.filter(code=district).first()
        if district_obj is None:
            raise CommandError(_("Không có huyện mã %(code)s (hay tỉnh mã %(code)s).") % {"code": district}, returncode=2)
    try:
        return get_policy(year=year, district=district_obj)
    except PolicyNotFound as error:
        raise CommandError(str(error), returncode=2)


def policies_of_year(*, year: int, through: int):
    """Every district's policy of that year, by district code (for a whole province)."""
    checked_month(through)
    policies = list(TargetPolicy.objects.filter(year=year).select_related("district").order_by("district__code"))
    if not policies:
        raise CommandError(_("Chưa có chỉ tiêu (chính sách) nào cho năm %(year)s.") % {"year": year}, returncode=2)
    return policies
