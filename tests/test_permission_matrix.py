"""Every URL of the portal, for every kind of person: the answer each one gets.

The URL configuration is walked; a URL without an entry in MATRIX fails the test, so a new page
cannot be added without saying who may see it. Resources belong to commune A (Thị trấn Đức
Thọ) in September 2020: its head sees them, the head of commune B and the head of a department
must get 404 — exactly as for a unit that does not exist.
"""

import pytest
from django.contrib.admin import site as admin_site
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import COMMUNE_A

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "head_a", "head_b", "head_dept", "staff", "home_affairs", "admin"]
LOGIN = "login"  # a redirect to the login page

A_MONTH = {"unit_code": COMMUNE_A, "year": 2020, "month": 9}
A_JOB = {"job_id": 999999}


def everyone(anonymous, **others):
    """Expected codes: `anonymous` for the anonymous visitor, the rest by role (default: `rest`)."""
    rest = others.pop("rest", None)
    codes = {role: others.get(role, rest) for role in ROLES if role != "anonymous"}
    codes["anonymous"] = anonymous
    missing = [role for role, code in codes.items() if code is None]
    assert not missing, missing
    return codes


# name → (kwargs, query string, GET expectations, POST expectations or None)
MATRIX = {
    "home": ({}, "", everyone(LOGIN, rest=302), None),
    "login": ({}, "", everyone(200, rest=302), None),
    "logout": ({}, "", everyone(405, rest=405), everyone(LOGIN, rest=LOGIN)),
    "password_change": ({}, "", everyone(LOGIN, rest=200), None),
    "password_change_done": ({}, "", everyone(LOGIN, rest=200), None),
    "set_language": ({}, "", everyone(302, rest=302), everyone(302, rest=302)),
    "submissions:entry_index": ({}, "?year=2020", everyone(LOGIN, rest=200), None),
    "submissions:import_upload": ({}, "", everyone(LOGIN, rest=403, staff=200, admin=200), everyone(LOGIN, rest=403, staff=200, admin=200)),
    "submissions:import_confirm": ({}, "", everyone(LOGIN, rest=405), everyone(LOGIN, rest=403, staff=302, admin=302)),
    "submissions:dossier_upload": ({}, "", everyone(LOGIN, rest=403, staff=200, admin=200), everyone(LOGIN, rest=403, staff=200, admin=200)),
    # Someone else's list (or none): not found, as a unit one may not see.
    "submissions:dossier_job": (A_JOB, "", everyone(LOGIN, rest=403, staff=404, admin=404), None),
    "submissions:dossier_confirm": (A_JOB, "", everyone(LOGIN, rest=405), everyone(LOGIN, rest=403, staff=404, admin=404)),
    "submissions:dossier_mapping": (A_JOB, "", everyone(LOGIN, rest=405), everyone(LOGIN, rest=403, staff=404, admin=404)),
    "submissions:template_choose": ({}, "", everyone(LOGIN, rest=200), None),
    "submissions:template_download": (
        {"year": 2020, "month": 9, "extension": "xlsx"}, f"?unit={COMMUNE_A}",
        everyone(LOGIN, head_a=200, head_b=404, head_dept=404, staff=200, home_affairs=200, admin=200), None),
    "submissions:lock": ({}, "", everyone(LOGIN, rest=405), everyone(LOGIN, rest=403, home_affairs=302, admin=302)),
    "submissions:unlock": ({}, "", everyone(LOGIN, rest=405), everyone(LOGIN, rest=403, home_affairs=302, admin=302)),
    "submissions:entry_grid": (
        A_MONTH, "", everyone(LOGIN, head_a=200, head_b=404, head_dept=404, staff=200, home_affairs=200, admin=200),
        everyone(LOGIN, head_a=403, head_b=404, head_dept=404, staff=200, home_affairs=403, admin=200)),
    "submissions:entry_history": (
        A_MONTH, "", everyone(LOGIN, head_a=200, head_b=404, head_dept=404, staff=200, home_affairs=200, admin=200), None),
    "submissions:month_dossiers": (
        A_MONTH, "", everyone(LOGIN, head_a=200, head_b=404, head_dept=404, staff=200, home_affairs=200, admin=200), None),
    "submissions:year_dossiers": (
        {"unit_code": COMMUNE_A, "year": 2020}, "?from=1&through=9",
        everyone(LOGIN, head_a=200, head_b=404, head_dept=404, staff=200, home_affairs=200, admin=200), None),
    "reports:unit_dashboard": (
        {"unit_code": COMMUNE_A}, "?year=2020&through=9",
        everyone(LOGIN, head_a=200, head_b=404, head_dept=404, staff=200, home_affairs=200, admin=200), None),
    "reports:my_dashboard": ({}, "", everyone(LOGIN, rest=302), None),
    "reports:overview": ({}, "?year=2020&through=9", everyone(LOGIN, rest=200), None),
    "reports:province": ({}, "?year=2020&through=9", everyone(LOGIN, rest=403, staff=200, home_affairs=200, admin=200), None),
    "reports:overview_xlsx": ({}, "?year=2020&through=9", everyone(LOGIN, rest=403, staff=200, home_affairs=200, admin=200), None),
    "reports:year_end_index": ({}, "", everyone(LOGIN, rest=403, home_affairs=302, admin=302), None),
    "reports:year_end": ({"year": 2020}, "", everyone(LOGIN, rest=403, home_affairs=200, admin=200), None),
    "reports:year_end_xlsx": ({"year": 2020}, "", everyone(LOGIN, rest=403, home_affairs=200, admin=200), None),
    "reports:api_progress": ({}, "?year=2020&through=9", everyone(403, rest=403, staff=200, home_affairs=200, admin=200), None),
    # The reporting cycle: confirming is the unit head's (their own unit) or staff's on its behalf;
    # approving is Home Affairs'. A GET is the confirmation page; the POST does it (here refused:
    # the month has no figures to confirm, nothing confirmed to approve — 409, nothing written).
    "submissions:month_action": (
        {**A_MONTH, "action": "confirm"}, "",
        everyone(LOGIN, head_a=200, head_b=404, head_dept=404, staff=200, home_affairs=403, admin=200),
        everyone(LOGIN, head_a=409, head_b=404, head_dept=404, staff=409, home_affairs=403, admin=409)),
    # A note on a unit-month: by whoever works on it (an empty note is refused with a message: 302 back).
    "submissions:comment_add": (
        A_MONTH, "", everyone(LOGIN, rest=405),
        everyone(LOGIN, head_a=302, head_b=404, head_dept=404, staff=302, home_affairs=302, admin=302)),
    "submissions:comment_delete": ({"pk": 1}, "", everyone(LOGIN, rest=405), everyone(LOGIN, rest=404)),
    "reports:completeness": ({"year": 2020}, "?through=9", everyone(LOGIN, rest=200), None),
    "reports:quality": ({"year": 2020}, "", everyone(LOGIN, rest=403, staff=200, home_affairs=200, admin=200), None),
    "reports:completeness_xlsx": ({"year": 2020}, "?through=9", everyone(LOGIN, rest=200), None),
    # Locking a year that is not ready without a reason is refused (400, nothing locked).
    "reports:year_end_lock": (
        {"year": 2020}, "", everyone(LOGIN, rest=403, home_affairs=200, admin=200),
        everyone(LOGIN, rest=403, home_affairs=400, admin=400)),
    "reports:lock_exceptions": (
        {"year": 2020}, "", everyone(LOGIN, rest=403, home_affairs=200, admin=200),
        everyone(LOGIN, rest=403, home_affairs=400, admin=400)),  # an empty form: refused, nothing granted
    "reports:lock_exception_revoke": ({"pk": 1}, "", everyone(LOGIN, rest=403, home_affairs=404, admin=404),
                                      everyone(LOGIN, rest=403, home_affairs=404, admin=404)),
    "reports:year_end_unlock": (
        {"year": 2020}, "", everyone(LOGIN, rest=403, home_affairs=200, admin=200),
        everyone(LOGIN, rest=403, home_affairs=302, admin=302)),
}

# Valid POST bodies, so that a 302 means "done", not "refused with a form error".
POST_BODIES = {
    "set_language": {"language": "vi", "next": "/"},
    "submissions:lock": {"year": "2019", "month": "3", "confirmed": "yes"},
    "submissions:unlock": {"year": "2019", "month": "3", "confirmed": "yes"},
}


def named_urls():
    """Every named URL outside the admin, as namespace:name."""
    found = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin" or getattr(pattern, "urlconf_module", None) is admin_site.urls:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return found


def test_every_url_has_an_entry_in_the_matrix():
    assert named_urls() - set(MATRIX) == set(), "add the new URL to MATRIX with who may see it"
    assert set(MATRIX) - named_urls() == set()


@pytest.fixture
def people(head_of_commune_a, head_of_commune_b, head_of_department, staff, home_affairs, administrator):
    return {
        "anonymous": None,
        "head_a": head_of_commune_a,
        "head_b": head_of_commune_b,
        "head_dept": head_of_department,
        "staff": staff,
        "home_affairs": home_affairs,
        "admin": administrator,
    }


def answer(response):
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_person_gets_the_expected_answer_from_every_url(client, people, role):
    wrong = []
    if people[role] is not None:
        client.force_login(people[role])
    for name, (kwargs, query, get_expected, post_expected) in MATRIX.items():
        url = reverse(name, kwargs=kwargs or None) + query
        response = client.get(url)
        got = answer(response)
        if got != get_expected[role]:
            wrong.append(f"GET {url}: {got}, expected {get_expected[role]}")
        cache = response.get("Cache-Control", "")
        if "private" not in cache or "no-store" not in cache:
            wrong.append(f"GET {url}: Cache-Control {cache!r}")
        got = answer(client.head(url))  # wherever GET answers, HEAD answers the same
        if got != get_expected[role]:
            wrong.append(f"HEAD {url}: {got}, expected {get_expected[role]}")
        if post_expected is not None and name != "logout":  # logout is checked last
            got = answer(client.post(url, POST_BODIES.get(name, {})))
            if got != post_expected[role]:
                wrong.append(f"POST {url}: {got}, expected {post_expected[role]}")
        if people[role] is not None:
            client.force_login(people[role])  # a POST may have changed the session's state
    got = answer(client.post(reverse("logout")))
    if got != MATRIX["logout"][3][role]:
        wrong.append(f"POST logout: {got}")
    assert "_auth_user_id" not in client.session
    assert wrong == [], f"{role}: " + "; ".join(wrong)


def test_only_administrators_reach_the_admin(client, people):
    for role, person in people.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        response = client.get("/admin/")
        if role == "admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], role


def test_a_district_role_without_a_district_sees_nothing(reference, commune_a):
    from conftest import make_person
    from units.models import Unit
    from units.roles import Role

    stray = make_person("stray", Role.STAFF, district=None)
    assert not Unit.objects.visible_to(stray).exists()


def test_a_person_whose_role_was_taken_away_loses_their_unit(head_of_commune_a, commune_a):
    from units.models import Unit

    head_of_commune_a.groups.clear()
    head_of_commune_a = type(head_of_commune_a).objects.get(pk=head_of_commune_a.pk)
    assert not Unit.objects.visible_to(head_of_commune_a).exists()


def test_staff_of_one_district_cannot_enter_another_districts_units(staff, reference):
    from units.access import may_enter
    from units.models import District, Unit

    other = District.objects.create(code="999", name="Huyện khác", province="Tỉnh khác")
    foreign = Unit.objects.create(district=other, code="999-1", name="Xã khác", kind="commune")
    assert not may_enter(staff, foreign)
    assert not Unit.objects.visible_to(staff).filter(pk=foreign.pk).exists()
