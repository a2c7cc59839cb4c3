"""Nobody forgets a month (issue 15, point 1): reminders to the people answerable for each unit's
months due and not confirmed, a Monday digest for Home Affairs, never twice a day, and a word on
the dashboard for whoever can act."""

import io
import os
import subprocess
import sys
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from reports.models import ReminderLog
from reports.reminders import digests, pending_months, pending_sentence, unit_reminders
from submissions.services import confirm_month
from targets.models import TargetPolicy
from units.models import Unit

pytestmark = pytest.mark.django_db
A_SATURDAY, A_MONDAY = "2020-10-10", "2020-10-12"


@pytest.fixture
def demo(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", stdout=io.StringIO())


def dry_run(today=A_SATURDAY) -> list[list[str]]:
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", "--today", today, stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines() if "\t" in line]


def test_the_dry_run_lists_every_unit_with_a_month_due_and_not_reported_with_its_recipients(demo):
    lines = dry_run()
    units = {code for _who, code, _months in lines}
    expected = {unit.code for unit in Unit.objects.filter(district__code="440").exclude(code__in=["440.VP", "440.TTR"])}
    assert units == expected  # the two units with nothing to report are never reminded
    town = {who for who, code, _months in lines if code == "18229"}
    assert town == {"demo.thitran <không có địa chỉ e-mail>", "demo.canbo <không có địa chỉ e-mail>"}
    tan_huong = next(months for _who, code, months in lines if code == "18310")
    assert "T6/2020" in tan_huong and "T10/2020" not in tan_huong  # October is not due before 5 November
    assert not any("2019" in months for _who, _code, months in lines)  # no targets in 2019: nothing owed
    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_reminders_are_sent_once_a_day_with_the_months_the_due_dates_and_a_link(demo):
    from django.contrib.auth.models import User

    User.objects.filter(username__in=["demo.thitran", "demo.canbo"]).update(email="x@example.gov.vn")
    User.objects.filter(username="demo.canbo").update(email="canbo@example.gov.vn")
    out = io.StringIO()
    call_command("send_reminders", "--today", A_SATURDAY, stdout=out)
    town = [message for message in mail.outbox if "Thị trấn Đức Thọ" in message.subject]
    assert sorted(message.to[0] for message in town) == ["canbo@example.gov.vn", "x@example.gov.vn"]
    body = town[0].body
    assert "Tháng 9/2020: đã nhập, chưa xác nhận (hạn 05/10/2020)" in body
    assert settings.DVCTT_PORTAL_URL + "/entry/18229/2020/1/" in body
    sent = len(mail.outbox)
    assert sent == 26 + 1  # the staff member for every unit, and the town's head
    call_command("send_reminders", "--today", A_SATURDAY, stdout=out)
    assert len(mail.outbox) == sent and "đã gửi hôm nay" in out.getvalue()
    call_command("send_reminders", "--today", "2020-10-11", stdout=io.StringIO())
    assert len(mail.outbox) == 2 * sent  # another day, another reminder


def test_confirmed_and_locked_months_are_not_reminded(demo):
    town = Unit.objects.get(code="18229", district__code="440")
    head = town.people.get().user
    for month in range(1, 9):
        confirm_month(unit=town, year=2020, month=month, user=head, on_behalf=False)
    call_command("lock", "--year", "2020", "--month", "9", stdout=io.StringIO())
    pending = pending_months([town], today=date(2020, 10, 10))
    assert pending.get(town.pk) is None


def test_the_digest_goes_to_home_affairs_on_mondays_only(demo):
    assert digests(today=date(2020, 10, 10)) == []
    (digest,) = digests(today=date(2020, 10, 12))
    assert digest.recipient.username == "demo.noivu" and digest.unit is None
    assert "Dựa trên số liệu 9/9 tháng; còn thiếu T6 của 1 đơn vị." in digest.body
    assert "Xã Tân Hương (18310): T6" in digest.body
    assert any(code == "tổng hợp 440" for _who, code, _months in dry_run(A_MONDAY))


def test_a_message_the_mail_server_refuses_is_reported_and_sent_again_next_time(demo, settings):
    from django.contrib.auth.models import User

    User.objects.filter(username="demo.canbo").update(email="canbo@example.gov.vn")
    settings.EMAIL_BACKEND = "reports.tests.test_reminders.RefusingBackend"
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("send_reminders", "--today", A_SATURDAY, stdout=io.StringIO(), stderr=err)
    assert failed.value.returncode == 1 and "Không gửi được cho canbo@example.gov.vn" in err.getvalue()
    assert not ReminderLog.objects.exists()  # nothing logged: tried again on the next run


def test_a_bad_date_is_refused_with_a_message(demo):
    with pytest.raises(CommandError, match="YYYY-MM-DD") as refused:
        call_command("send_reminders", "--dry-run", "--today", "10/10/2020", stdout=io.StringIO())
    assert refused.value.returncode == 2


def test_the_dashboard_tells_whoever_can_act_what_is_due(client_for, head_of_commune_a, home_affairs, commune_a, reference,
                                                        monkeypatch):
    today = date(2026, 6, 15)  # January–May of 2026 are due and missing
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today)
    TargetPolicy.objects.create(district=reference["district"], year=today.year, document_number="1/KH",
                                document_date=date(today.year, 1, 2), title="Chỉ tiêu năm nay")
    pending = pending_months([commune_a], today=today).get(commune_a.pk, [])
    assert [item.label for item in pending] == ["T1/2026", "T2/2026", "T3/2026", "T4/2026", "T5/2026"]
    url = reverse("reports:unit_dashboard", args=[commune_a.code]) + "?year=2020&through=9"
    html = client_for(head_of_commune_a).get(url).content.decode()
    assert pending_sentence(pending) in html and "Còn thiếu số liệu" in html
    assert "Còn thiếu số liệu" not in client_for(home_affairs).get(url).content.decode()  # nothing for them to do there


def test_the_pending_sentence_reads_like_the_issue():
    from reports.reminders import Pending

    sentence = pending_sentence([Pending(2020, 9, date(2020, 10, 5), True), Pending(2020, 7, date(2020, 8, 5), False)])
    assert sentence == "Còn thiếu số liệu T9/2020 (hạn gần nhất 05/10/2020); Chưa xác nhận T7/2020 (hạn gần nhất 05/08/2020)."


def test_the_reminders_read_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        reminders = unit_reminders(today=date(2020, 10, 10))
    assert len(reminders) == 26 + 3  # staff for every unit with something to report, and the three unit heads


def test_email_url_sets_the_mail_server():
    env = dict(os.environ, EMAIL_URL="smtp://dvctt:mat-khau@mail.ductho.gov.vn:587/?tls=True")
    out = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dvctt_portal.settings');"
         "django.setup(); from django.conf import settings as s;"
         "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER)"],
        env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR,
    ).stdout.split()
    assert out == ["django.core.mail.backends.smtp.EmailBackend", "mail.ductho.gov.vn", "587", "True", "dvctt"]


class RefusingBackend:
    """A mail server that refuses every message (as smtplib does: an OSError)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused")


def test_no_digest_for_a_year_without_targets(demo):
    assert digests(today=date(2025, 1, 6)) == []  # a Monday; 2024 has no targets in the demo


def test_a_refused_header_is_reported_and_the_other_reminders_still_go(demo, settings):
    from django.contrib.auth.models import User

    User.objects.filter(username="demo.canbo").update(email="canbo@example.gov.vn")
    Unit.objects.filter(code="18229").update(name="Thị trấn\nĐức Thọ")  # a newline would end up in a header
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", A_SATURDAY, stdout=io.StringIO(), stderr=err)
    assert "Không gửi được cho canbo@example.gov.vn" in err.getvalue()
    assert len(mail.outbox) == 25 and ReminderLog.objects.count() == 25  # every other unit's reminder went
