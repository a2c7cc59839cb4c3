"""Once a year is locked, the catalog cannot be edited in a way that changes its figures."""

import pytest

from submissions.models import Authority, CountLock, DossierCount, Procedure
from targets.progress import compute_progress, get_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_2020(department, commune_a, home_affairs):
    from django.utils import timezone

    own = Procedure.objects.filter(authority=Authority.DISTRICT, department=department, online_level__gte=3).first()
    DossierCount.objects.create(unit=department, procedure=own, year=2020, month=3, total=10, online=4)
    CountLock.objects.create(district=department.district, year=2020, locked_by=home_affairs, locked_at=timezone.now())
    return own


def admin_post(client, url, data):
    return client.post(url, data)


def procedure_form(procedure, **changes):
    data = {
        "code": procedure.code, "name": procedure.name, "field": procedure.field, "authority": procedure.authority,
        "online_level": procedure.online_level, "department": procedure.department_id or "",
        "first_year": procedure.first_year, "last_year": procedure.last_year or "",
    }
    data.update(changes)
    return data


def d1_of(department):
    return compute_progress(get_policy(year=2020), 12).for_unit(department.pk).rule("D1")


def test_moving_a_procedure_to_another_department_is_refused_once_its_year_is_locked(
    client_for, administrator, department, locked_2020
):
    other = type(department).objects.filter(kind="department").exclude(pk=department.pk).first()
    before = (d1_of(department).online, d1_of(department).total)
    response = client_for(administrator).post(
        f"/admin/submissions/procedure/{locked_2020.pk}/change/", procedure_form(locked_2020, department=other.pk)
    )
    assert response.status_code == 200
    assert "kỳ đã khóa (năm 2020)" in response.content.decode()
    locked_2020.refresh_from_db()
    assert locked_2020.department_id == department.pk
    assert (d1_of(department).online, d1_of(department).total) == before == (4, 10)


def test_retiring_a_procedure_after_the_locked_year_is_allowed(client_for, administrator, locked_2020):
    response = client_for(administrator).post(
        f"/admin/submissions/procedure/{locked_2020.pk}/change/", procedure_form(locked_2020, last_year=2020)
    )
    assert response.status_code == 302
    locked_2020.refresh_from_db()
    assert locked_2020.last_year == 2020


def test_retiring_it_before_the_locked_year_is_refused(client_for, administrator, locked_2020):
    response = client_for(administrator).post(
        f"/admin/submissions/procedure/{locked_2020.pk}/change/", procedure_form(locked_2020, last_year=2019)
    )
    assert response.status_code == 200
    assert "kỳ đã khóa" in response.content.decode()


def test_changing_a_unit_with_locked_counts_to_another_kind_is_refused(client_for, administrator, department, locked_2020):
    data = {"district": department.district_id, "code": department.code, "name": department.name, "kind": "commune",
            "is_active": "on", "sort_order": department.sort_order, "first_year": "", "last_year": ""}
    response = client_for(administrator).post(f"/admin/units/unit/{department.pk}/change/", data)
    assert response.status_code == 200
    assert "kỳ đã khóa" in response.content.decode()
    department.refresh_from_db()
    assert department.kind == "department"
