"""The skeleton as a person meets it: login, the home page by role, the admin."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_vietnamese_and_serves_its_own_assets(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Mật khẩu" in html
    assert "https://" not in html and "http://" not in html.replace("http://testserver", "")


def test_an_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_person_logs_in_with_username_and_password(client, staff):
    response = client.post(reverse("login"), {"username": "staff", "password": "Mat-khau-thu-nghiem-1"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code in (200, 302)


def test_a_wrong_password_says_so_in_vietnamese(client, staff):
    response = client.post(reverse("login"), {"username": "staff", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_logging_out_needs_a_post(client_for, staff):
    client = client_for(staff)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_every_person_can_change_their_password(client_for, head_of_commune_a):
    client = client_for(head_of_commune_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": "Mat-khau-thu-nghiem-1", "new_password1": "Mot-mat-khau-moi-dai", "new_password2": "Mot-mat-khau-moi-dai"},
    )
    assert response.status_code == 302
    head_of_commune_a.refresh_from_db()
    assert head_of_commune_a.check_password("Mot-mat-khau-moi-dai")


def test_the_english_catalog_switches_the_interface(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


@pytest.mark.parametrize(
    "model",
    ["units/district", "units/unit", "units/person", "auth/user", "submissions/procedure",
     "submissions/dossiercount", "targets/targetpolicy", "targets/targetrule"],
)
def test_the_admin_lists_and_searches_every_model(client_for, administrator, model):
    client = client_for(administrator)
    response = client.get(f"/admin/{model}/", {"q": "Đức"})
    assert response.status_code == 200


def test_the_admin_speaks_vietnamese(client_for, administrator):
    html = client_for(administrator).get("/admin/").content.decode()
    assert "Thủ tục hành chính" in html
    assert "Số liệu hồ sơ" in html


def test_only_administrators_reach_the_admin(client_for, staff):
    response = client_for(staff).get("/admin/")
    assert response.status_code == 302


def test_a_browser_set_up_in_english_still_gets_vietnamese_by_default(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_a_page_that_is_not_there_says_so_in_vietnamese(client_for, head_of_commune_a, settings):
    settings.DEBUG = False
    response = client_for(head_of_commune_a).get("/units/18259/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_forbidden_page_says_so_in_vietnamese(client_for, head_of_commune_a, settings):
    settings.DEBUG = False
    response = client_for(head_of_commune_a).get("/reports/year-end/2020/")
    assert response.status_code == 403
    assert "Bạn không có quyền xem trang này" in response.content.decode()


def test_the_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Hệ thống gặp sự cố" in html
