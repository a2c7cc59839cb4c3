"""Hardening that a person never sees until it matters: throttling, headers, the production profile."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


def test_logins_are_throttled_after_five_failures(client, staff):
    for _ in range(5):
        client.post(reverse("login"), {"username": "staff", "password": "sai-mat-khau"})
    response = client.post(reverse("login"), {"username": "staff", "password": "Mat-khau-thu-nghiem-1"})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_failures(client, staff):
    for _ in range(4):
        client.post(reverse("login"), {"username": "staff", "password": "sai-mat-khau"})
    response = client.post(reverse("login"), {"username": "staff", "password": "Mat-khau-thu-nghiem-1"})
    assert response.status_code == 302


PROXY = "127.0.0.1"  # nginx on the same machine, as the README prescribes


def login_through_proxy(client, username, password, forwarded_for):
    return client.post(
        reverse("login"), {"username": username, "password": password},
        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_an_attacker_cannot_lock_home_affairs_out_of_the_district(client, settings, home_affairs):
    settings.DVCTT_TRUSTED_PROXIES = 1
    for _ in range(6):
        login_through_proxy(client, "noivu", "sai-mat-khau", "10.1.1.66")
    # The attacker's own computer stays locked out …
    locked = login_through_proxy(client, "noivu", "Mat-khau-thu-nghiem-1", "10.1.1.66")
    assert locked.status_code == 429
    # … even when it writes its own X-Forwarded-For: the proxy appends the real address.
    forged = login_through_proxy(client, "noivu", "Mat-khau-thu-nghiem-1", "10.9.9.9, 10.1.1.66")
    assert forged.status_code == 429
    # Home Affairs at their own desk logs in.
    response = login_through_proxy(client, "noivu", "Mat-khau-thu-nghiem-1", "10.1.1.5")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(home_affairs.pk)


def test_without_a_configured_proxy_a_forged_forwarded_for_changes_nothing(client, settings, staff):
    settings.DVCTT_TRUSTED_PROXIES = 0
    for attempt in range(5):
        client.post(
            reverse("login"), {"username": "staff", "password": "sai-mat-khau"},
            REMOTE_ADDR="10.1.1.66", HTTP_X_FORWARDED_FOR=f"10.2.0.{attempt}",
        )
    response = client.post(
        reverse("login"), {"username": "staff", "password": "Mat-khau-thu-nghiem-1"},
        REMOTE_ADDR="10.1.1.66", HTTP_X_FORWARDED_FOR="10.2.0.99",
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.1.1.5", "8.8.8.8", "10.1.1.5"),  # the header is ignored without a proxy
        (1, "127.0.0.1", "10.1.1.5", "10.1.1.5"),
        (1, "127.0.0.1", "8.8.8.8, 10.1.1.5", "10.1.1.5"),  # what the client wrote is not believed
        (2, "127.0.0.1", "8.8.8.8, 10.1.1.5, 10.0.0.2", "10.1.1.5"),  # two proxies
        (2, "127.0.0.1", "10.1.1.5", "127.0.0.1"),  # fewer addresses than proxies
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
        (1, "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(rf, settings, proxies, remote, forwarded, expected):
    from units.network import client_address

    settings.DVCTT_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_every_page_carries_a_strict_content_security_policy_and_refuses_framing(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sessions_expire(client, staff):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def run_manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if key not in ("DJANGO_PROFILE", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_production_profile_passes_check_deploy_without_a_warning(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_PROFILE="production",
        SECRET_KEY="k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="dvctt.ductho.hatinh.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_production_profile_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check", DJANGO_PROFILE="production", ALLOWED_HOSTS="x.gov.vn", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_setting_stops_start_up_loudly():
    result = run_manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_the_current_password_on_the_password_page_is_throttled_like_the_login(client_for, staff):
    from axes.models import AccessAttempt

    client = client_for(staff)
    page = reverse("password_change")
    for _ in range(5):
        response = client.post(page, {"old_password": "doan-sai", "new_password1": "Moi-mat-khau-2021", "new_password2": "Moi-mat-khau-2021"})
        assert response.status_code in (200, 429)
    assert AccessAttempt.objects.filter(username="staff").exists()
    right = client.post(page, {"old_password": "Mat-khau-thu-nghiem-1", "new_password1": "Moi-mat-khau-2021", "new_password2": "Moi-mat-khau-2021"})
    assert right.status_code == 429
    assert "Tạm khóa đăng nhập" in right.content.decode()
    staff.refresh_from_db()
    assert staff.check_password("Mat-khau-thu-nghiem-1")


def test_the_password_page_still_changes_the_password_with_the_right_current_one(client_for, staff):
    client = client_for(staff)
    response = client.post(reverse("password_change"), {
        "old_password": "Mat-khau-thu-nghiem-1", "new_password1": "Moi-mat-khau-2021", "new_password2": "Moi-mat-khau-2021",
    })
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Moi-mat-khau-2021")
    wrong = client.post(reverse("password_change"), {
        "old_password": "doan-sai", "new_password1": "Khac-mat-khau-2022", "new_password2": "Khac-mat-khau-2022",
    })
    assert wrong.status_code == 200
    assert "Mật khẩu cũ không chính xác" in wrong.content.decode()


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client_for, staff):
    client = client_for(staff)
    declared = settings.DVCTT_MAX_REQUEST_BYTES + 1
    # The body declares more than it holds: reading it would fail, so a 413 proves nothing was read.
    response = client.post(
        reverse("submissions:import_upload"), data=b"x" * 10, content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in html and "tối đa 5 MB" in html
    assert '<header class="site-header">' in html  # the portal's own layout


def test_the_413_answer_is_valid_wsgi_through_a_real_server_handler(staff):
    """What gunicorn or runserver would send: no hop-by-hop header (wsgiref's validator checks)."""
    import io
    from wsgiref.validate import validator

    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client, RequestFactory

    client = Client()
    client.force_login(staff)
    environ = RequestFactory().post(reverse("submissions:import_upload")).environ
    environ.update({
        "CONTENT_LENGTH": str(settings.DVCTT_MAX_REQUEST_BYTES + 1), "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(), "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
    })
    statuses = []
    # As Django's test client does: the test's transaction keeps its connection across the request.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = validator(WSGIHandler())(environ, lambda status, headers, exc_info=None: statuses.append((status, headers)) or (lambda data: None))
        content = b"".join(body).decode()
        body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses[0][0].startswith("413")
    assert "Dữ liệu gửi lên quá lớn" in content
    assert "Đăng xuất" in content  # the person's own header: they are still signed in


def test_an_upload_within_the_limit_stays_in_memory():
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.DVCTT_MAX_REQUEST_BYTES > settings.DVCTT_MAX_UPLOAD_BYTES


def test_a_form_sent_without_its_security_token_gets_a_vietnamese_page_in_the_portals_layout(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "staff", "password": "Mat-khau-thu-nghiem-1"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Trang đã cũ, hãy gửi lại" in html and "chưa được lưu" in html
    assert "Forbidden" not in html and "CSRF" not in html
    assert '<header class="site-header">' in html


def test_download_names_are_escaped_as_rfc_6266_says():
    from reports.views import xlsx_response

    response = xlsx_response(b"", 'Báo cáo "2020".xlsx')
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''B%C3%A1o%20c%C3%A1o%20%222020%22.xlsx"
    assert xlsx_response(b"", "bang-diem-2020.xlsx")["Content-Disposition"] == 'attachment; filename="bang-diem-2020.xlsx"'


def test_exports_are_never_cached(client_for, home_affairs):
    response = client_for(home_affairs).get(reverse("reports:year_end_xlsx", args=[2020]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_database_job_queue_is_refused_on_sqlite_where_an_import_would_hold_the_only_writer(tmp_path):
    result = run_manage("check", TASKS_BACKEND="database", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.returncode != 0 and "TASKS_BACKEND=database needs PostgreSQL" in result.stderr
    assert run_manage("check", TASKS_BACKEND="later").returncode != 0
