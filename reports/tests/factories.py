"""Data for the reports' tests: counts, synthetic districts, people."""

from datetime import date

from django.contrib.auth import get_user_model

from submissions.models import Authority, DossierCount, Procedure
from targets.models import TargetPolicy, TargetRule
from units.models import District, Unit
from units.roles import Role
from units.services import assign_role


def record(unit, procedure, month, total, online, year=2020):
    return DossierCount.objects.create(unit=unit, procedure=procedure, year=year, month=month, total=total, online=online)


def commune_procedures():
    return list(Procedure.objects.filter(authority=Authority.COMMUNE, online_level__gte=3).order_by("code"))


def district_procedures(department=None):
    procedures = Procedure.objects.filter(authority=Authority.DISTRICT, online_level__gte=3)
    if department is not None:
        procedures = procedures.filter(department=department)
    return list(procedures.order_by("code"))


def make_district(code, communes, departments=0):
    """A district with its own 2020 policy (C1, C2 and D1) and counts for every unit in
    months 1, 5 and 9."""
    district = District.objects.create(code=code, name=f"Huyện {code}", province="Tỉnh thử")
    units = Unit.objects.bulk_create(
        [Unit(district=district, code=f"{code}-{i}", name=f"Xã {i}", kind="commune", sort_order=i) for i in range(communes)]
        + [Unit(district=district, code=f"{code}-P{i}", name=f"Phòng {i}", kind="department", sort_order=i)
           for i in range(departments)]
    )
    policy = TargetPolicy.objects.create(
        district=district, year=2020, document_number=f"{code}/KH-UBND", document_date=date(2020, 1, 2), title="Thử"
    )
    TargetRule.objects.create(policy=policy, code="C1", label="C1", unit_kind="commune", authority="district",
                              measure="count", target=20, points=2, sort_order=1)
    TargetRule.objects.create(policy=policy, code="C2", label="C2", unit_kind="commune", authority="commune",
                              measure="rate", target=25, points=2, sort_order=2)
    TargetRule.objects.create(policy=policy, code="D1", label="D1", unit_kind="department", authority="district",
                              own_procedures_only=True, measure="rate", target=30, points=2, sort_order=3)
    procedures = commune_procedures()[:5] + district_procedures()[:3]
    DossierCount.objects.bulk_create([
        DossierCount(unit=unit, procedure=procedure, year=2020, month=month, total=10, online=3)
        for unit in units if unit.kind == "commune" for procedure in procedures for month in (1, 5, 9)
    ])
    return district, units


def person_in(district, username, role, unit=None):
    user = get_user_model().objects.create_user(username=username, password="Mat-khau-thu-nghiem-1")
    assign_role(user=user, role=role, unit=unit, district=district)
    return get_user_model().objects.get(pk=user.pk)


def staff_of(district, username="staff_x"):
    return person_in(district, username, Role.STAFF)


def home_affairs_of(district, username="noivu_x"):
    return person_in(district, username, Role.HOME_AFFAIRS)
