"""Addresses nobody types but an attacker does: a NUL byte or a malformed code in the path or
the query answers 404 or a form error, never a 500 (PostgreSQL refuses NUL in any text it is
sent, so a code passed straight to a query would fail there)."""

import pytest
from django.http import Http404

from units.access import get_unit_for_user

pytestmark = pytest.mark.django_db

NUL_ADDRESSES = [
    "/units/%00/",
    "/units/18229%00/",
    "/entry/%00/2020/9/",
    "/entry/%00/2020/9/history/",
    "/entry/template/2020/9.xlsx?unit=%00",
    "/entry/template/2020/9.csv?unit=18229%00",
    "/entry/template/?year=2020&month=9&unit=%00",
    "/entry/?year=%00",
    "/overview/?q=%00",
    "/overview/?kind=%00&rule=%00&status=%00",
    "/overview/export.xlsx?year=2020&through=9&q=%00",
    "/reports/year-end/2020/?through=%00",
    "/api/progress?year=2020&through=%00",
    "/units/18229/?year=%00",
    "/admin/units/unit/?q=%00",
    "/admin/submissions/dossiercount/?q=%00",
    "/admin/units/unit/%00/change/",
]


@pytest.mark.parametrize("address", NUL_ADDRESSES)
def test_a_nul_byte_anywhere_in_the_address_is_not_a_500(client_for, administrator, address):
    response = client_for(administrator).get(address)
    assert response.status_code in (200, 302, 400, 404), response.status_code


@pytest.mark.parametrize("address", ["/units/%00/", "/entry/%00/2020/9/", "/entry/template/2020/9.xlsx?unit=%00"])
def test_a_nul_byte_in_a_code_answers_not_found(client_for, staff, address):
    response = client_for(staff).get(address)
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


@pytest.mark.parametrize("code", ["\x00", "18229\x00", "a/b", "18229 ", "../18229", "", "x" * 500])
def test_the_access_helper_answers_a_malformed_code_as_a_unit_that_does_not_exist(staff, code):
    with pytest.raises(Http404):
        get_unit_for_user(staff, code)


# A code that cannot be in an address --------------------------------------------------------------


def test_the_admin_refuses_a_unit_code_with_a_slash(client_for, administrator, commune_a):
    from django.urls import reverse

    from units.models import Unit

    page = reverse("admin:units_unit_change", args=[commune_a.pk])
    form = {
        "district": commune_a.district_id, "code": "18229/1", "name": commune_a.name, "kind": commune_a.kind,
        "is_active": "on", "sort_order": commune_a.sort_order, "first_year": "", "last_year": "",
    }
    response = client_for(administrator).post(page, form)
    assert response.status_code == 200
    assert "Mã chỉ gồm chữ cái không dấu, chữ số" in response.content.decode()
    assert Unit.objects.get(pk=commune_a.pk).code == "18229"


@pytest.fixture
def unit_with_a_bad_code(commune_a):
    """A code saved before codes were validated (or written past the admin)."""
    from units.models import Unit

    Unit.objects.filter(pk=commune_a.pk).update(code="18229/cu")
    return Unit.objects.get(pk=commune_a.pk)


@pytest.mark.parametrize(
    "address",
    ["/entry/?year=2020", "/overview/?year=2020&through=9", "/reports/year-end/2020/?through=9", "/overview/export.xlsx?year=2020&through=9"],
)
def test_pages_listing_a_unit_with_a_bad_code_still_answer_and_show_it_without_a_link(
    client_for, home_affairs, staff, unit_with_a_bad_code, address
):
    person = staff if address.startswith("/entry/") else home_affairs
    response = client_for(person).get(address)
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        assert unit_with_a_bad_code.name in html
        assert 'href="/units/18229/cu/' not in html and 'href="/entry/18229/cu/' not in html


def test_the_system_check_names_a_unit_whose_code_cannot_be_in_an_address(unit_with_a_bad_code):
    from django.core import checks

    messages = [message for message in checks.run_checks(databases=["default"]) if message.id == "units.W001"]
    assert len(messages) == 1
    assert "18229/cu" in messages[0].msg
