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
