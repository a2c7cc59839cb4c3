"""The one place where tests make data: counts, procedures to count, districts, people.

Every factory builds only valid data — each object is checked with `full_clean()` before it is
saved — so a test that needs an invalid row has to write it itself, visibly. Tests write here
directly (they are the only code allowed to; tests/test_architecture.py)."""

from datetime import date

from django.contrib.auth import get_user_model

from submissions.models import Authority, DossierCount, Procedure
from targets.models import TargetPolicy, TargetRule
from units.models import District, Unit
from units.roles import Role
from units.services import assign_role

YEAR = 2020
PASSWORD = "Mat-khau-thu-nghiem-1"


def _valid(obj):
    obj.full_clean()
    return obj


def record(unit, procedure, month, total, online, year=YEAR) -> DossierCount:
    """One saved count (valid: the unit reports the procedure, online ≤ total)."""
    count = _valid(DossierCount(unit=unit, procedure=procedure, year=year, month=month, total=total, online=online))
    count.save()
    return count


def commune_procedures(n=None, year=YEAR) -> list[Procedure]:
    """The level 3/4 commune procedures offered that year, by code (the first `n`)."""
    query = Procedure.objects.offered_in(year).online().filter(authority=Authority.COMMUNE).order_by("code")
    return list(query if n is None else query[:n])


def district_procedures(department=None, *, n=None, year=YEAR) -> list[Procedure]:
    """The level 3/4 district procedures offered that year (of one department), by code."""
    query = Procedure.objects.offered_in(year).online().filter(authority=Authority.DISTRICT)
    if department is not None:
        query = query.filter(department=department)
    query = query.order_by("code")
    return list(query if n is None else query[:n])


def make_person(username, role, unit=None, district=None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    assign_role(user=user, role=role, unit=unit, district=district)
    return get_user_model().objects.get(pk=user.pk)


def make_district(code, communes, departments=0):
    """A district with its own 2020 policy (C1, C2 and D1) and counts for every commune in
    months 1, 5 and 9 (each procedure 10 dossiers, 3 online)."""
    district = _valid(District(code=code, name=f"Huyện {code}", province="Tỉnh thử"))
    district.save()
    units = [
        _valid(Unit(district=district, code=f"{code}-{i}", name=f"Xã {i}", kind="commune", sort_order=i))
        for i in range(communes)
    ] + [
        _valid(Unit(district=district, code=f"{code}-P{i}", name=f"Phòng {i}", kind="department", sort_order=i))
        for i in range(departments)
    ]
    units = Unit.objects.bulk_create(units)
    policy = _valid(TargetPolicy(
        district=district, year=YEAR, document_number=f"{code}/KH-UBND", document_date=date(2020, 1, 2), title="Thử"
    ))
    policy.save()
    for rule in (
        TargetRule(policy=policy, code="C1", label="C1", unit_kind="commune", authority="district",
                   measure="count", target=20, points=2, sort_order=1),
        TargetRule(policy=policy, code="C2", label="C2", unit_kind="commune", authority="commune",
                   measure="rate", target=25, points=2, sort_order=2),
        TargetRule(policy=policy, code="D1", label="D1", unit_kind="department", authority="district",
                   own_procedures_only=True, measure="rate", target=30, points=2, sort_order=3),
    ):
        _valid(rule).save()
    # The reference district's procedures, as the synthetic districts of the benchmarks use them:
    # counts of another district's procedures are what the query must leave out for a department,
    # never what a commune of it reports, so they are made here in bulk without the unit check.
    procedures = commune_procedures()[:5] + district_procedures()[:3]
    DossierCount.objects.bulk_create([
        DossierCount(unit=unit, procedure=procedure, year=YEAR, month=month, total=10, online=3)
        for unit in units if unit.kind == "commune" for procedure in procedures for month in (1, 5, 9)
    ])
    return district, units


def person_in(district, username, role, unit=None):
    return make_person(username, role, unit=unit, district=district)


def staff_of(district, username="staff_x"):
    return person_in(district, username, Role.STAFF)


def home_affairs_of(district, username="noivu_x"):
    return person_in(district, username, Role.HOME_AFFAIRS)
