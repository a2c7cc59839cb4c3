"""Two people, one unit-month: the second save is refused and nobody's numbers are lost."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from conftest import make_person
from submissions.models import DossierCount, Procedure
from submissions.services import StaleCounts, save_month
from submissions.versions import month_version
from units.roles import Role

from .helpers import admin_change, commune_procedures, counts_of, database_state, fill, grid_url, open_grid

pytestmark = pytest.mark.django_db


def person_client(username, first, last, district):
    user = make_person(username, Role.STAFF, district=district)
    user.first_name, user.last_name = first, last
    user.save()
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def hoa_and_binh(reference):
    district = reference["district"]
    return person_client("hoa", "Nguyễn Thị", "Hoa", district), person_client("binh", "Phạm Văn", "Bình", district)


def test_the_second_save_is_refused_with_who_and_when_and_nothing_is_lost(hoa_and_binh, commune_a):
    (hoa, hoa_client), (binh, binh_client) = hoa_and_binh
    first, second, third = commune_procedures(3)
    DossierCount.objects.create(unit=commune_a, procedure=first, year=2020, month=9, total=5, online=1)
    hoa_data, rows = open_grid(hoa_client, commune_a)
    binh_data, _rows = open_grid(binh_client, commune_a)

    assert hoa_client.post(grid_url(commune_a), fill(hoa_data, rows, {first.code: (7, 2)})).status_code == 302

    response = binh_client.post(grid_url(commune_a), fill(binh_data, rows, {second.code: (4, 3)}))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Số liệu đã được Nguyễn Thị Hoa thay đổi lúc" in html and "— hãy tải lại trang." in html
    assert counts_of(commune_a) == {first.code: (7, 2)}  # Hoa's save is intact, nothing of Bình's written

    # Bình's typed numbers are still on the screen, and Hoa's new ones replaced the stale ones
    form = response.context["form"]
    assert form[rows[second.code].total_name].value() == "4"
    assert form[rows[first.code].total_name].value() == "7"
    assert f'id="row-{first.pk}" class="entry-row is-changed"' in html

    # saving that page keeps both people's numbers
    data = {name: form[name].value() or "" for name in form.fields}
    assert binh_client.post(grid_url(commune_a), data).status_code == 302
    assert counts_of(commune_a) == {first.code: (7, 2), second.code: (4, 3)}


def test_a_row_both_people_changed_is_marked_with_the_number_saved_now(hoa_and_binh, commune_a):
    (_hoa, hoa_client), (_binh, binh_client) = hoa_and_binh
    first = commune_procedures(1)[0]
    hoa_data, rows = open_grid(hoa_client, commune_a)
    binh_data, _rows = open_grid(binh_client, commune_a)
    hoa_client.post(grid_url(commune_a), fill(hoa_data, rows, {first.code: (7, 2)}))
    response = binh_client.post(grid_url(commune_a), fill(binh_data, rows, {first.code: (9, 9)}))
    assert response.status_code == 409
    html = response.content.decode()
    assert "is-conflict" in html and "Số đang lưu: tổng 7, trực tuyến 2" in html
    assert response.context["form"][rows[first.code].total_name].value() == "9"
    assert counts_of(commune_a) == {first.code: (7, 2)}


def test_two_people_entering_an_empty_month_at_once_cannot_both_insert(hoa_and_binh, commune_a):
    (_hoa, hoa_client), (_binh, binh_client) = hoa_and_binh
    first = commune_procedures(1)[0]
    hoa_data, rows = open_grid(hoa_client, commune_a)
    binh_data, _rows = open_grid(binh_client, commune_a)
    assert hoa_data["version"] == binh_data["version"] == "0-0"
    assert hoa_client.post(grid_url(commune_a), fill(hoa_data, rows, {first.code: (3, 1)})).status_code == 302
    assert binh_client.post(grid_url(commune_a), fill(binh_data, rows, {first.code: (5, 5)})).status_code == 409
    assert counts_of(commune_a) == {first.code: (3, 1)}


def test_a_change_from_the_admin_also_refuses_a_stale_grid(hoa_and_binh, client_for, administrator, commune_a):
    (_hoa, hoa_client), _binh = hoa_and_binh
    first = commune_procedures(1)[0]
    count = DossierCount.objects.create(unit=commune_a, procedure=first, year=2020, month=9, total=5, online=1)
    data, rows = open_grid(hoa_client, commune_a)
    admin_change(
        client_for(administrator), count,
        **{"unit": commune_a.pk, "procedure": first.pk, "year": 2020, "month": 9, "total": 6, "online": 1},
    )
    response = hoa_client.post(grid_url(commune_a), fill(data, rows, {first.code: (8, 1)}))
    assert response.status_code == 409
    assert "Số liệu đã được admin thay đổi lúc" in response.content.decode()
    assert counts_of(commune_a) == {first.code: (6, 1)}


def test_the_service_refuses_a_stale_version_and_writes_nothing(commune_a, staff):
    procedure = commune_procedures(1)[0]
    version = month_version(commune_a.pk, 2020, 9)
    save_month(unit=commune_a, year=2020, month=9, values={procedure: (3, 1)}, version=version, user=staff)
    before = database_state()
    with pytest.raises(StaleCounts) as refused:
        save_month(unit=commune_a, year=2020, month=9, values={procedure: (4, 1)}, version=version, user=staff)
    assert "thay đổi lúc" in refused.value.message
    assert database_state() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="truly concurrent writers need a database server; the sequential tests above cover the rule on SQLite",
)
def test_two_concurrent_saves_of_the_same_version_one_wins_whole(reference):
    """Both start from the same page; exactly one is saved, entirely; the other is refused."""
    from units.models import Unit

    commune = Unit.objects.get(code="18229")
    staff = make_person("staff_pg", Role.STAFF, district=reference["district"])
    procedures = list(Procedure.objects.for_entry(commune, 2020))
    version = month_version(commune.pk, 2020, 9)
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(name, total):
        try:
            barrier.wait(timeout=10)
            save_month(
                unit=commune, year=2020, month=9, values={p: (total, 1) for p in procedures}, version=version, user=staff
            )
            outcomes[name] = "saved"
        except StaleCounts:
            outcomes[name] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name, total)) for name, total in (("a", 5), ("b", 9))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner_total = 5 if outcomes["a"] == "saved" else 9
    saved = set(DossierCount.objects.filter(unit=commune, year=2020, month=9).values_list("total", "online"))
    assert saved == {(winner_total, 1)}
    assert DossierCount.objects.filter(unit=commune, year=2020, month=9).count() == len(procedures)


def test_the_admin_refuses_a_change_made_from_a_page_older_than_a_grid_save(hoa_and_binh, client_for, administrator, commune_a):
    """The administrator opens the count; meanwhile Hoa saves the month in the grid; the
    administrator's save is refused with who changed it, and Hoa's numbers stay."""
    (_hoa, hoa_client), _binh = hoa_and_binh
    first = commune_procedures(1)[0]
    count = DossierCount.objects.create(unit=commune_a, procedure=first, year=2020, month=9, total=5, online=1)
    admin = client_for(administrator)
    url = reverse("admin:submissions_dossiercount_change", args=[count.pk])
    version = admin.get(url).context["adminform"].form["version"].value()
    data, rows = open_grid(hoa_client, commune_a)
    assert hoa_client.post(grid_url(commune_a), fill(data, rows, {first.code: (8, 3)})).status_code == 302
    response = admin.post(url, {"unit": commune_a.pk, "procedure": first.pk, "year": 2020, "month": 9,
                                "total": 6, "online": 1, "version": version})
    assert response.status_code == 200
    assert "Số liệu đã được Nguyễn Thị Hoa thay đổi lúc" in response.content.decode()
    assert counts_of(commune_a) == {first.code: (8, 3)}
    # A form without the version (not from the page) is refused too.
    response = admin.post(url, {"unit": commune_a.pk, "procedure": first.pk, "year": 2020, "month": 9,
                                "total": 6, "online": 1})
    assert response.status_code == 200
    assert counts_of(commune_a) == {first.code: (8, 3)}
