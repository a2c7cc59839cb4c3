import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from units.roles import Role, role_of

pytestmark = pytest.mark.django_db


def test_add_user_creates_a_unit_head_of_a_commune(commune_a, capsys):
    call_command("add_user", "chutich", "--role", "unit_head", "--unit", commune_a.code, "--password", "Mot-mat-khau-dai-1")
    user = get_user_model().objects.get(username="chutich")
    assert role_of(user) == Role.UNIT_HEAD
    assert user.person.unit == commune_a
    assert user.check_password("Mot-mat-khau-dai-1")
    assert "Đã tạo" in capsys.readouterr().out


def test_running_add_user_again_updates_role_and_unit_and_keeps_the_password(commune_a, commune_b):
    call_command("add_user", "chutich", "--role", "unit_head", "--unit", commune_a.code, "--password", "Mot-mat-khau-dai-1")
    call_command("add_user", "chutich", "--role", "unit_head", "--unit", commune_b.code)
    user = get_user_model().objects.get(username="chutich")
    assert user.person.unit == commune_b
    assert user.check_password("Mot-mat-khau-dai-1")
    call_command("add_user", "chutich", "--role", "home_affairs")
    user = get_user_model().objects.get(username="chutich")
    assert role_of(user) == Role.HOME_AFFAIRS
    assert user.groups.count() == 1


def test_a_unit_head_must_name_a_unit(reference):
    with pytest.raises(CommandError, match="--unit"):
        call_command("add_user", "chutich", "--role", "unit_head", "--password", "Mot-mat-khau-dai-1")
    assert not get_user_model().objects.exists()


def test_an_unknown_unit_is_refused(reference):
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("add_user", "chutich", "--role", "unit_head", "--unit", "99999", "--password", "Mot-mat-khau-dai-1")


def test_without_a_password_and_no_terminal_a_password_is_generated_and_printed(reference, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    call_command("add_user", "canbo", "--role", "staff")
    out = capsys.readouterr().out
    password = out.split("Mật khẩu được tạo: ")[1].strip()
    assert get_user_model().objects.get(username="canbo").check_password(password)


def test_a_weak_password_is_refused(reference):
    with pytest.raises(CommandError, match="Mật khẩu không đạt"):
        call_command("add_user", "canbo", "--role", "staff", "--password", "123")


def test_an_administrator_can_use_the_admin(reference):
    call_command("add_user", "quantri", "--role", "admin", "--password", "Mot-mat-khau-dai-1")
    user = get_user_model().objects.get(username="quantri")
    assert user.is_staff and user.is_superuser
