"""/api/progress: the `progress --format json` document for other district systems."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from factories import commune_procedures, district_procedures, record

pytestmark = pytest.mark.django_db

API = reverse("reports:api_progress")


@pytest.fixture
def figures(commune_a, department):
    record(commune_a, commune_procedures()[0], 3, 100, 20)
    record(department, district_procedures(department)[0], 8, 10, 3)


def command_document(through):
    out = StringIO()
    call_command("progress", year=2020, through=through, format="json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("person", ["staff", "home_affairs", "administrator"])
def test_the_api_returns_the_same_document_as_the_progress_command(request, client_for, person, figures):
    response = client_for(request.getfixturevalue(person)).get(API, {"year": 2020, "through": 9})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == command_document(9)


def test_without_parameters_the_api_reads_the_default_period(client_for, staff, figures):
    document = client_for(staff).get(API).json()
    assert (document["year"], document["through"]) == (2020, 8)  # the last month with counts


def test_anonymous_callers_get_a_json_403_not_a_login_page(client):
    response = client.get(API)
    assert response.status_code == 403
    assert response.json() == {"error": "Cần đăng nhập để đọc số liệu."}


def test_unit_heads_get_403(client_for, head_of_commune_a):
    response = client_for(head_of_commune_a).get(API)
    assert response.status_code == 403
    assert "không có quyền" in response.json()["error"]


@pytest.mark.parametrize("query", [{"through": 13}, {"year": "abc"}, {"year": 2019}])
def test_bad_parameters_answer_400_with_the_reasons(client_for, staff, query):
    response = client_for(staff).get(API, query)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Tham số không hợp lệ." and body["errors"]
