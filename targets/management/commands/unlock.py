from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions.locks import period_label
from submissions.services import CountsRefused, unlock_period
from targets.services import unlock_year

from .lock import add_period_arguments, district_from, policy_of, user_from


class Command(BaseCommand):
    help = (
        "Mở khóa số liệu một năm (hoặc một tháng). Mở khóa năm thu hồi kết quả chính thức (vẫn lưu) và không mở các "
        "tháng được khóa riêng."
    )

    def add_arguments(self, parser):
        add_period_arguments(parser)

    def handle(self, *args, year, month=None, district=None, by=None, **options):
        district_obj, user = district_from(district, year), user_from(by)
        try:
            if month is None and district_obj.policies.filter(year=year).exists():
                unlock_year(policy=policy_of(district_obj, year), user=user, how="command")
            else:
                unlock_period(district=district_obj, year=year, month=month, user=user, reason="command")
        except CountsRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(_("Đã mở khóa %(period)s.") % {"period": period_label(year, month).lower()})
