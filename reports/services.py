"""Writes of the reports app: the reminders sent, and their log (one a day for the same person,
unit and kind). Everything else the reports do is read."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ReminderLog
from .reminders import Reminder


@dataclass
class Sent:
    sent: list[Reminder] = field(default_factory=list)
    already: list[Reminder] = field(default_factory=list)  # sent to the same person today
    no_address: list[Reminder] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)


def _already_sent(reminder: Reminder, today: date) -> bool:
    return ReminderLog.objects.filter(kind=reminder.kind, recipient=reminder.recipient, unit=reminder.unit,
                                      sent_on=today).exists()


def send_reminders(reminders: list[Reminder], *, today: date, connection=None) -> Sent:
    """Send each reminder not yet sent today to a person with an address, and log it. A failure
    to send one (the mail server refusing it) is reported and the others still go."""
    result = Sent()
    for reminder in reminders:
        email = (reminder.recipient.email or "").strip()
        if not email:
            result.no_address.append(reminder)
            continue
        if _already_sent(reminder, today):
            result.already.append(reminder)
            continue
        try:
            with transaction.atomic():
                # The log first, under its unique constraint: two runs the same day cannot both send.
                ReminderLog.objects.create(
                    kind=reminder.kind, recipient=reminder.recipient, email=email, district=reminder.district,
                    unit=reminder.unit, months=reminder.months[:200], sent_on=today, sent_at=timezone.now(),
                )
                EmailMessage(reminder.subject, reminder.body, settings.DEFAULT_FROM_EMAIL, [email],
                             connection=connection).send()
        except IntegrityError:
            result.already.append(reminder)
        except (OSError, ValueError, UnicodeError) as error:
            # smtplib's errors are OSErrors; a header the mail library refuses is a ValueError. Nothing
            # is logged (the transaction is rolled back), the others still go, this one goes next run.
            result.failed.append((reminder, str(error)))
        else:
            result.sent.append(reminder)
    return result
