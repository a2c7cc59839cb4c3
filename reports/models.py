from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import District, Unit


class ReminderKind(models.TextChoices):
    UNIT = "unit", _("Nhắc đơn vị còn thiếu, chưa xác nhận số liệu")
    DIGEST = "digest", _("Tổng hợp hằng tuần cho Cơ quan Nội vụ")


class ReminderLog(models.Model):
    """A reminder e-mailed: to whom, about which unit (none for the weekly digest), which months,
    on which day. One a day at most for the same person, unit and kind (`send_reminders`)."""

    kind = models.CharField(_("loại"), max_length=10, choices=ReminderKind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("người nhận"))
    email = models.EmailField(_("địa chỉ e-mail"))
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", verbose_name=_("huyện"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("đơn vị"))
    months = models.CharField(_("các tháng"), max_length=200, blank=True)
    sent_on = models.DateField(_("ngày gửi"))
    sent_at = models.DateTimeField(_("gửi lúc"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("thư nhắc đã gửi")
        verbose_name_plural = _("thư nhắc đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["kind", "recipient", "unit", "sent_on"], condition=models.Q(unit__isnull=False),
                                    name="one_unit_reminder_a_day"),
            models.UniqueConstraint(fields=["kind", "recipient", "sent_on"], condition=models.Q(unit__isnull=True),
                                    name="one_digest_a_day"),
        ]

    def __str__(self):
        return f"{self.sent_on} · {self.email} · {self.unit or self.district}"
