"""What the commands that read progress share: the --year/--through/--district options and
turning them into a policy, with a clear message and exit status 2 when they do not fit."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from units.models import District

from .progress import PolicyNotFound, get_policy


def add_period_arguments(parser) -> None:
    parser.add_argument("--year", type=int, required=True, help=_("Năm của chính sách chỉ tiêu."))
    parser.add_argument("--through", type=int, default=12, help=_("Tính đến hết tháng (1–12); mặc định 12."))
    parser.add_argument("--district", help=_("Mã huyện (bắt buộc nếu nhiều huyện có chỉ tiêu năm đó)."))


def policy_from_options(*, year: int, through: int, district: str | None):
    if not 1 <= through <= 12:
        raise CommandError(_("Tháng phải từ 1 đến 12 (nhận được %(month)s).") % {"month": through}, returncode=2)
    district_obj = None
    if district:
        district_obj = District.objects.filter(code=district).first()
        if district_obj is None:
            raise CommandError(_("Không có huyện mã %(code)s.") % {"code": district}, returncode=2)
    try:
        return get_policy(year=year, district=district_obj)
    except PolicyNotFound as error:
        raise CommandError(str(error), returncode=2)
