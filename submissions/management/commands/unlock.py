from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from submissions.locks import period_label
from submissions.services import CountsRefused, unlock_period

from .lock import add_period_arguments, district_from, user_from


class Command(BaseCommand):
    help = "Mở khóa số liệu một năm (hoặc một tháng). Mở khóa năm không mở các tháng được khóa riêng."

    def add_arguments(self, parser):
        add_period_arguments(parser)

    def handle(self, *args, year, month=None, district=None, by=None, **options):
        try:
            unlock_period(district=district_from(district), year=year, month=month, user=user_from(by), reason="command")
        except CountsRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(_("Đã mở khóa %(period)s.") % {"period": period_label(year, month).lower()})
