"""Loading the Đức Thọ 2020 reference data and the demo counts and logins.

Everything here is idempotent: running it again over the same data changes nothing.
"""

import json
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from submissions.models import Authority, DossierCount, Procedure
from submissions.rules import TARGET_MIN_LEVEL
from units.lineage import read_mapping
from units.models import District, Level, Lineage, Unit, UnitKind
from units.roles import Role
from units.rules import month_after, month_of, unit_exists_in_month
from units.services import assign_role, reorganize, save_district, save_unit

from .models import Scoring, TargetPolicy, TargetRule

REFERENCE_FILE = Path(settings.BASE_DIR) / "fixtures" / "duc_tho_2020.json"

DEMO_YEAR = 2020
DEMO_DISTRICT = "440"
DEMO_MONTHS = range(1, 10)  # January–September 2020, as when letter 2440 was written
DEMO_PASSWORD = "DucTho@2020"  # demo logins only; never used outside load_demo


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    unit_code: str | None = None
    district_code: str = DEMO_DISTRICT  # where the person works (a unit's administration, when a unit is given)
    unit_year: int = DEMO_YEAR  # a code names a unit in a year: 18229 is Thị trấn Đức Thọ in 2020, Xã Đức Thọ in 2026


DEMO_LOGINS = [
    DemoLogin("demo.canbo", "Nguyễn Thị Hoa (Trung tâm HCC)", Role.STAFF),
    DemoLogin("demo.noivu", "Trần Văn Nam (Cơ quan Tổ chức - Nội vụ)", Role.HOME_AFFAIRS),
    DemoLogin("demo.quantri", "Lê Minh Quân (Quản trị)", Role.ADMIN),
    DemoLogin("demo.thitran", "Phan Đình Lộc (Chủ tịch UBND Thị trấn Đức Thọ)", Role.UNIT_HEAD, "18229"),
    DemoLogin("demo.tunganh", "Võ Thị Hằng (Chủ tịch UBND xã Tùng Ảnh)", Role.UNIT_HEAD, "18259"),
    DemoLogin("demo.tckh", "Đặng Quốc Hưng (Trưởng phòng Tài chính - Kế hoạch)", Role.UNIT_HEAD, "440.TCKH"),
    # After 1/7/2025: the province's staff, its Home Affairs, and the head of the new Xã Đức Thọ.
    DemoLogin("demo.tinh", "Hoàng Thị Mai (Trung tâm Phục vụ hành chính công tỉnh)", Role.STAFF, district_code="42"),
    DemoLogin("demo.sonoivu", "Bùi Văn Thành (Sở Nội vụ)", Role.HOME_AFFAIRS, district_code="42"),
    DemoLogin("demo.xaductho", "Nguyễn Văn Đức (Chủ tịch UBND xã Đức Thọ)", Role.UNIT_HEAD, "18229", unit_year=2026),
]

# How each demo unit does: share of dossiers filed online and how busy it is.
# One commune (Xã Tân Hương) received no commune dossiers at all: its C2 is "no data".
COMMUNE_PROFILES = {
    "18229": ("strong", 1.6),
    "18235": ("borderline", 1.0),
    "18241": ("good", 0.9),
    "18244": ("weak", 0.7),
    "18247": ("good", 1.0),
    "18253": ("borderline", 0.8),
    "18259": ("weak", 1.1),
    "18262": ("good", 0.8),
    "18274": ("borderline", 1.2),
    "18277": ("strong", 0.7),
    "18280": ("weak", 0.9),
    "18283": ("good", 1.0),
    "18298": ("borderline", 0.9),
    "18304": ("strong", 0.8),
    "18307": ("weak", 0.6),
    "18310": ("no_commune_dossiers", 0.8),
}
ONLINE_SHARE = {"strong": 0.45, "good": 0.32, "borderline": 0.245, "weak": 0.12, "no_commune_dossiers": 0.0}
# Online district-authority dossiers per month from the commune's people (C1: 20 a year).
C1_MONTHLY_MEAN = {"strong": 3.2, "good": 2.3, "borderline": 2.0, "weak": 0.8, "no_commune_dossiers": 1.5}
DEPARTMENT_SHARE = {
    "42.VP": 0.6,
    "42.SNV": 0.45,
    "42.STP": 0.7,
    "42.STC": 0.65,
    "42.SXD": 0.5,
    "42.SNNMT": 0.35,
    "42.SYT": 0.55,
    "440.TCKH": 0.42,
    "440.KTHT": 0.31,
    "440.TP": 0.28,
    "440.TNMT": 0.18,
    "440.LDTBXH": 0.35,
    "440.VHTT": 0.30,
    "440.GDDT": 0.22,
    "440.NV": 0.5,
    "440.NNPTNT": 0.26,
    "440.YT": 0.33,
}


def read_reference(path: Path = REFERENCE_FILE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def load_reference(data: dict | None = None) -> dict:
    """Create or update the district, its units, the procedure catalog and the policies.
    Long because the four are loaded in one transaction, each from the ids of the one before."""
    data = data or read_reference()
    stats = {"units": 0, "procedures": 0, "rules": 0}
    district, _ = District.objects.update_or_create(
        code=data["district"]["code"],
        defaults={"name": data["district"]["name"], "province": data["district"]["province"]},
    )
    units_by_code = {}
    for row in data["units"]:
        # The 2020 unit of that code is the district's (18229 is also Xã Đức Thọ of the province
        # from 7/2025); one that has since ended keeps its end (load_reform gave it).
        unit = Unit.objects.filter(district=district, code=row["code"]).first() or Unit(district=district, code=row["code"])
        values = {"name": row["name"], "kind": row["kind"], "sort_order": row["sort_order"]}
        if unit.last_year is None:
            values["is_active"] = row.get("is_active", True)
        if unit.pk is None or any(getattr(unit, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(unit, key, value)
            unit.save()
        units_by_code[unit.code] = unit
        stats["units"] += 1
    existing = {procedure.code: procedure for procedure in Procedure.objects.all()}
    for row in data["procedures"]:
        values = {
            "name": row["name"],
            "field": row["field"],
            "authority": row["authority"],
            "online_level": row["online_level"],
            "department": units_by_code[row["department"]] if row["department"] else None,
            "first_year": row["first_year"],
            "last_year": row["last_year"],
        }
        procedure = existing.get(row["code"])
        if procedure is None:
            procedure = Procedure(code=row["code"], **values)
        elif all(getattr(procedure, key) == value for key, value in values.items()):
            stats["procedures"] += 1
            continue
        else:
            for key, value in values.items():
                setattr(procedure, key, value)
        procedure.full_clean()
        procedure.save()
        stats["procedures"] += 1
    for policy_row in data["policies"]:
        stats["rules"] += _load_policy(district, policy_row, units_by_code)
    stats["district"] = district
    return stats


def _brought_up_to_date(instance, values: dict) -> bool:
    """Set `values` on the instance and save it (validated) when anything differs: loading the
    same data again writes nothing, so the history keeps only real changes."""
    if instance.pk is not None and all(getattr(instance, key) == value for key, value in values.items()):
        return False
    for key, value in values.items():
        setattr(instance, key, value)
    instance.full_clean()
    instance.save()
    return True


def _load_policy(district: District, policy_row: dict, units_by_code: dict) -> int:
    """One policy and its rules, created or brought up to date; returns how many rules."""
    policy = TargetPolicy.objects.filter(district=district, year=policy_row["year"]).first()
    policy = policy or TargetPolicy(district=district, year=policy_row["year"])
    _brought_up_to_date(policy, {
        "document_number": policy_row["document_number"],
        "document_date": date.fromisoformat(policy_row["document_date"]),
        "title": policy_row["title"],
        "first_month": policy_row.get("first_month", 1),
        "last_month": policy_row.get("last_month", 12),
    })
    existing = {rule.code: rule for rule in policy.rules.all()}
    for rule_row in policy_row["rules"]:
        rule = existing.get(rule_row["code"]) or TargetRule(policy=policy, code=rule_row["code"])
        _brought_up_to_date(rule, {
            "label": rule_row["label"],
            "unit_kind": rule_row.get("unit_kind", ""),
            "unit": units_by_code.get(rule_row.get("unit") or ""),
            "authority": rule_row["authority"],
            "min_online_level": rule_row["min_online_level"],
            "own_procedures_only": rule_row["own_procedures_only"],
            "measure": rule_row["measure"],
            "scoring": rule_row.get("scoring", Scoring.DEDUCT),
            "target": Decimal(rule_row["target"]),
            "points": Decimal(rule_row["points"]),
            "sort_order": rule_row.get("sort_order", 0),
        })
    return len(policy_row["rules"])


@dataclass(frozen=True)
class DemoYear:
    """How one demo year is drawn: its months, and how much more is filed online than in 2020."""

    year: int
    months: range
    growth: float = 1.0

    def seed(self, unit: Unit) -> str:
        if self.year == DEMO_YEAR:
            return f"ductho-2020-{unit.code}"  # the 2020 figures never move (shared/golden)
        return f"ductho-{self.year}-{unit.code}-{unit.first_year or 0}"


DEMO_2020 = DemoYear(DEMO_YEAR, DEMO_MONTHS)
MAX_DEMO_SHARE = 0.8


def _demo_counts_for(unit: Unit, procedures: list[Procedure], demo: DemoYear = DEMO_2020,
                     *, volume: float | None = None) -> list[tuple[Procedure, int, int, int]]:
    """(procedure, month, total, online) rows for one unit, reproducible from the unit's code and
    the year. A commune reports commune procedures and those of its administration its people
    filed (its district's, its province's after 7/2025); a department its own procedures.
    Long because the demo's communes and departments are drawn differently."""
    rng = random.Random(demo.seed(unit))
    rows = []
    if unit.kind == UnitKind.COMMUNE:
        profile, own_volume = COMMUNE_PROFILES.get(unit.code, ("good", 1.0))
        if profile == "no_commune_dossiers" and demo.year != DEMO_YEAR:
            profile = "borderline"
        volume = own_volume if volume is None else volume
        share = min(MAX_DEMO_SHARE, ONLINE_SHARE[profile] * demo.growth)
        commune_procedures = [p for p in procedures if p.authority == Authority.COMMUNE]
        administration_procedures = [p for p in procedures
                                     if p.authority != Authority.COMMUNE and p.department.district_id == unit.district_id]
        if profile != "no_commune_dossiers":
            busy = rng.sample(commune_procedures, k=min(14, len(commune_procedures)))
            for procedure in busy:
                base = rng.randint(1, 9)
                for month in demo.months:
                    total = max(0, round(rng.gauss(base, base / 3) * volume))
                    online = sum(1 for _ in range(total) if rng.random() < share)
                    if total:
                        rows.append((procedure, month, total, online))
        if not administration_procedures:
            return rows
        filed = rng.sample(administration_procedures, k=min(6, len(administration_procedures)))
        for month in demo.months:
            online_this_month = max(0, round(rng.gauss(C1_MONTHLY_MEAN[profile] * demo.growth * volume / own_volume, 1.0)))
            per_procedure = {}
            for _ in range(online_this_month):
                procedure = rng.choice(filed)
                per_procedure[procedure] = per_procedure.get(procedure, 0) + 1
            for procedure, online in per_procedure.items():
                rows.append((procedure, month, online + rng.randint(0, 2), online))
    else:
        share = DEPARTMENT_SHARE.get(unit.code)
        own = [p for p in procedures if p.department_id == unit.pk]
        if share is None or not own:
            return rows
        share = min(MAX_DEMO_SHARE, share * demo.growth)
        for procedure in own:
            base = rng.randint(0, 12)
            if base == 0:
                continue
            for month in demo.months:
                total = max(0, round(rng.gauss(base, base / 3)))
                online = sum(1 for _ in range(total) if rng.random() < share)
                if total:
                    rows.append((procedure, month, total, online))
    return rows


@transaction.atomic
def load_demo_counts(*, district: District, recorded_by=None, demo: DemoYear = DEMO_2020, units=None) -> int:
    """Add the demo counts of one year (January–September 2020 by default) that are not there
    yet, for the district's units (or `units`) in the months each existed; returns how many."""
    procedures = list(Procedure.objects.offered_in(demo.year).online(TARGET_MIN_LEVEL).select_related("department")
                      .order_by("code"))
    units = list(Unit.objects.filter(district=district).order_by("code")) if units is None else units
    existing = set(
        DossierCount.objects.filter(unit__in=units, year=demo.year).values_list("unit_id", "procedure_id", "month")
    )
    volumes = _merged_volumes(units)
    new_rows = []
    for unit in units:
        months = [month for month in demo.months if unit_exists_in_month(unit, demo.year, month)]
        if not months:
            continue
        its_year = DemoYear(demo.year, months, demo.growth)
        for procedure, month, total, online in _demo_counts_for(unit, procedures, its_year, volume=volumes.get(unit.pk)):
            if (unit.pk, procedure.pk, month) in existing:
                continue
            new_rows.append(
                DossierCount(
                    unit=unit,
                    procedure=procedure,
                    year=demo.year,
                    month=month,
                    total=total,
                    online=online,
                    updated_by=recorded_by,
                )
            )
    if new_rows:
        bulk_create_with_history(new_rows, DossierCount, batch_size=500, default_user=recorded_by)
    return len(new_rows)


def _merged_volumes(units) -> dict[int, float]:
    """A merged commune is as busy as its predecessors together (one query)."""
    volumes: dict[int, float] = {}
    links = Lineage.objects.filter(successor__in=[unit.pk for unit in units]).values_list(
        "successor_id", "predecessor__code", "share")
    for successor_id, predecessor_code, share in links:
        volumes[successor_id] = volumes.get(successor_id, 0.0) + COMMUNE_PROFILES.get(predecessor_code, ("", 1.0))[1] * float(share)
    return volumes


# After 2020: the years to the 2025 reform and after it ------------------------------------------

REFORM_FILE = Path(settings.BASE_DIR) / "fixtures" / "ha_tinh_2025.json"
# Each year more is filed online; 2026 is drawn up to November (reported by 5 December).
DEMO_LATER_YEARS = [
    DemoYear(2021, range(1, 13), 1.1),
    DemoYear(2022, range(1, 13), 1.25),
    DemoYear(2023, range(1, 13), 1.45),
    DemoYear(2024, range(1, 13), 1.6),
    DemoYear(2025, range(1, 13), 1.75),
    DemoYear(2026, range(1, 12), 1.9),
]


@transaction.atomic
def load_reform(data: dict | None = None) -> dict:
    """Hà Tĩnh after 1/7/2025 over the district of 2020: the province, its departments and
    procedures, the district and its departments ending on 30/6/2025, the communes' lineage
    (units.services.reorganize, from the published mapping) and the policies of 2025–2026.
    Idempotent. Long because the province is loaded in one transaction, each part from the one before."""
    data = data or read_reference(REFORM_FILE)
    row = data["province"]
    province = District.objects.filter(code=row["code"]).first() or District(code=row["code"])
    for key, value in {"name": row["name"], "province": row["name"], "level": Level.PROVINCE,
                       "place_name": row.get("place_name", ""), "report_symbol": row.get("report_symbol", "BC-UBND")}.items():
        setattr(province, key, value)
    save_district(district=province)
    for code, last_day in data["districts_end"].items():
        district = District.objects.get(code=code)
        district.parent, district.valid_to = province, date.fromisoformat(last_day)
        save_district(district=district)
        year, month = district.valid_to.year, district.valid_to.month
        for unit in district.units.filter(kind=UnitKind.DEPARTMENT, last_year__isnull=True):
            unit.last_year, unit.last_month, unit.is_active = year, month, False
            save_unit(unit=unit)
    starts = month_after(*month_of(date.fromisoformat(next(iter(data["districts_end"].values())))))
    units_by_code = {}
    for row in data["departments"]:
        unit = Unit.objects.filter(district=province, code=row["code"]).first() or Unit(district=province, code=row["code"])
        if unit.pk is None:
            unit.kind, unit.first_year, unit.first_month = UnitKind.DEPARTMENT, *starts
        if unit.pk is None or (unit.name, unit.sort_order) != (row["name"], row["sort_order"]):
            unit.name, unit.sort_order = row["name"], row["sort_order"]
            save_unit(unit=unit)
        units_by_code[unit.code] = unit
    for row in data["procedures"]:
        procedure = Procedure.objects.filter(code=row["code"]).first() or Procedure(code=row["code"])
        _brought_up_to_date(procedure, {"name": row["name"], "field": row["field"], "authority": Authority.PROVINCE,
                                        "online_level": row["online_level"],
                                        "department": units_by_code[row["department"]],
                                        "first_year": starts[0], "last_year": None})
    changes, errors = read_mapping((REFORM_FILE.parent / data["lineage"]).read_bytes())
    if errors:
        raise ValueError("; ".join(errors))
    reorganized = reorganize(changes=changes, administration=province)
    rules = 0
    for row in data["policies"]:
        rules += _load_policy(District.objects.get(code=row["administration"]), row, units_by_code)
    return {"province": province, "communes": len({change.new_code for change in changes}),
            "departments": len(units_by_code), "rules": rules, "reorganized": reorganized}


def load_later_demo_counts(*, recorded_by=None) -> int:
    """The demo counts of 2021 to November 2026 for every unit of the district and the province,
    in the months each existed; returns how many were added."""
    added = 0
    administrations = list(District.objects.filter(Q(code=DEMO_DISTRICT) | Q(children__code=DEMO_DISTRICT)).distinct())
    for demo in DEMO_LATER_YEARS:
        units = list(Unit.objects.in_year(demo.year).filter(district__in=administrations).order_by("code", "first_year"))
        added += load_demo_counts(district=None, recorded_by=recorded_by, demo=demo, units=units)
    return added


@transaction.atomic
def load_demo_logins() -> list[tuple[DemoLogin, str]]:
    """Create the demo logins that do not exist yet; returns each login with its password state."""
    User = get_user_model()
    result = []
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            first, _, last = login.full_name.rpartition(" (")[0].rpartition(" ")
            user = User(username=login.username, first_name=first, last_name=last)
            user.set_password(DEMO_PASSWORD)
            user.save()
        unit = Unit.objects.select_related("district").with_code(login.unit_code, year=login.unit_year) if login.unit_code else None
        district = District.objects.filter(code=login.district_code).first()
        if district is None:  # the province's logins before the province is loaded
            continue
        assign_role(user=user, role=login.role, unit=unit, district=district)
        password_state = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else None
        result.append((login, password_state))
    return result
