from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.reminders import digests, unit_reminders
from reports.services import send_reminders


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("Ngày phải viết YYYY-MM-DD (nhận được “%(text)s”).") % {"text": text}, returncode=2) from None


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc: mỗi đơn vị còn tháng đến hạn mà chưa xác nhận số liệu được nhắc (thủ trưởng đơn vị và cán bộ "
        "nhập số liệu của huyện); thứ Hai gửi bản tổng hợp cho Cơ quan Nội vụ. Chạy hằng ngày (cron, systemd timer); "
        "mỗi người nhận một thư nhắc về một đơn vị mỗi ngày."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Không gửi gì; in mỗi thư một dòng.")
        parser.add_argument("--today", help="Coi hôm nay là ngày này (YYYY-MM-DD), ví dụ để thử.")

    def handle(self, *args, dry_run=False, today=None, **options):
        today = day(today) if today else timezone.localdate()
        with translation.override("vi"):
            reminders = unit_reminders(today=today) + digests(today=today)
            if dry_run:
                for reminder in reminders:
                    address = reminder.recipient.email or _("không có địa chỉ e-mail")
                    what = reminder.unit.code if reminder.unit else _("tổng hợp %(district)s") % {"district": reminder.district.code}
                    self.stdout.write(f"{reminder.recipient.get_username()} <{address}>\t{what}\t{reminder.months}")
                self.stdout.write(_("%(count)s thư (thử, không gửi).") % {"count": len(reminders)})
                return
            result = send_reminders(reminders, today=today)
        for reminder, error in result.failed:
            self.stderr.write(_("Không gửi được cho %(email)s: %(error)s") % {"email": reminder.recipient.email, "error": error})
        self.stdout.write(_(
            "Đã gửi %(sent)s thư; %(already)s đã gửi hôm nay; %(no_address)s người chưa có địa chỉ e-mail; %(failed)s lỗi."
        ) % {"sent": len(result.sent), "already": len(result.already), "no_address": len(result.no_address),
             "failed": len(result.failed)})
        if result.failed:
            raise CommandError(_("Một số thư chưa gửi được; lần chạy sau sẽ gửi lại."), returncode=1)
