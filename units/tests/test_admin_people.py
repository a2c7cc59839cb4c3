"""People in the admin (issue 16, point 7): one form creates a login with its role and unit, as
`add_user` does; the admin speaks Vietnamese, django-axes' pages included; it greets a person by
the given name, the last word of a Vietnamese full name."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse

from units.models import Person, Unit
from units.roles import ROLE_GROUPS, Role

pytestmark = pytest.mark.django_db

PASSWORD = "Chu-tich-Xa-2026!"


def add_person(client, **values):
    form = {"username": "chutich.tunganh", "full_name": "Võ Thị Hằng", "email": "hang@example.vn",
            "password1": PASSWORD, "password2": PASSWORD, "role": Role.UNIT_HEAD, **values}
    return client.post(reverse("admin:units_person_add"), form)


def test_one_form_creates_a_commune_chairman_with_login_role_and_unit(client_for, administrator, reference):
    tung_anh = Unit.objects.get(code="18259")
    response = add_person(client_for(administrator), unit=tung_anh.pk)
    assert response.status_code == 302, response.content.decode()[-3000:]
    user = User.objects.get(username="chutich.tunganh")
    assert user.get_full_name() == "Võ Thị Hằng" and user.email == "hang@example.vn" and user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUPS[Role.UNIT_HEAD]]
    person = Person.objects.get(user=user)
    assert person.unit == tung_anh and person.district == tung_anh.district
    assert not user.is_staff  # a unit head never reaches the admin


def test_the_form_refuses_what_add_user_refuses_and_writes_nothing(client_for, administrator, reference):
    client = client_for(administrator)
    response = add_person(client)  # a unit head without a unit
    assert response.status_code == 200 and "Thủ trưởng đơn vị phải gắn với một đơn vị." in response.content.decode()
    response = add_person(client, unit=Unit.objects.get(code="18259").pk, password2="khac-mat-khau")
    assert "Hai lần nhập mật khẩu không khớp." in response.content.decode()
    response = add_person(client, unit=Unit.objects.get(code="18259").pk, password1="123", password2="123")
    assert response.status_code == 200
    response = add_person(client, username=administrator.username, unit=Unit.objects.get(code="18259").pk)
    assert "Tên đăng nhập này đã có người dùng." in response.content.decode()
    assert not User.objects.filter(username="chutich.tunganh").exists()


def test_the_admin_greets_by_the_given_name_and_has_one_people_menu(client_for, administrator):
    administrator.first_name, administrator.last_name = "Lê Minh", "Quân"
    administrator.save()
    html = client_for(administrator).get(reverse("admin:index")).content.decode()
    assert "<strong>Quân</strong>" in html and "<strong>Lê Minh</strong>" not in html
    menus = [name.strip() for name in re.findall(r'<th scope="row" id="[^"]+">\s*<a href="[^"]+"[^>]*>([^<]+)</a>', html)]
    assert len(menus) == len(set(menus))  # no two menus of the same name (logins and people were both "Người dùng")
    assert "Cán bộ (vai trò, nơi làm việc)" in menus


def test_django_axes_pages_are_in_vietnamese(client_for, administrator):
    client = client_for(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    for english in ("Access attempts", "Access failures", "Access logs"):
        assert english not in index
    assert "Lần thử đăng nhập" in index and "Nhật ký đăng nhập" in index and "Bảo vệ đăng nhập" in index
    AccessAttempt.objects.create(username="ai.do", ip_address="10.0.0.9", user_agent="x", get_data="", post_data="",
                                 http_accept="*/*", path_info="/login/", failures_since_start=3)
    attempts = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "Tên đăng nhập" in attempts and "Địa chỉ IP" in attempts and "IP Address" not in attempts
