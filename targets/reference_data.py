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
from simple_history.utils import bulk_create_with_history

from submissions.models import Authority, DossierCount, Procedure
from submissions.rules import TARGET_MIN_LEVEL
from units.models import District, Unit, UnitKind
from units.roles import Role
from units.services import assign_role

from .models import TargetPolicy, TargetRule

REFERENCE_FILE = Path(settings.BASE_DIR) / "fixtures" / "duc_tho_2020.json"

DEMO_YEAR = 2020
DEMO_MONTHS = range(1, 10)  # January–September 2020, as when letter 2440 was written
DEMO_PASSWORD = "DucTho@2020"  # demo logins only; never used outside load_demo


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    unit_code: str | None = None


DEMO_LOGINS = [
    DemoLogin("demo.canbo", "Nguyễn Thị Hoa (Trung tâm HCC)", Role.STAFF),
    DemoLogin("demo.noivu", "Trần Văn Nam (Cơ quan Tổ chức - Nội vụ)", Role.HOME_AFFAIRS),
    DemoLogin("demo.quantri", "Lê Minh Quân (Quản trị)", Role.ADMIN),
    DemoLogin("demo.thitran", "Phan Đình Lộc (Chủ tịch UBND Thị trấn Đức Thọ)", Role.UNIT_HEAD, "18229"),
    DemoLogin("demo.tunganh", "Võ Thị Hằng (Chủ tịch UBND xã Tùng Ảnh)", Role.UNIT_HEAD, "18259"),
    DemoLogin("demo.tckh", "Đặng Quốc Hưng (Trưởng phòng Tài chính - Kế hoạch)", Role.UNIT_HEAD, "440.TCKH"),
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
        unit, _ = Unit.objects.update_or_create(
            code=row["code"],
            defaults={
                "district": district,
                "name": row["name"],
                "kind": row["kind"],
                "sort_order": row["sort_order"],
                "is_active": row.get("is_active", True),
            },
        )
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
        policy, _ = TargetPolicy.objects.update_or_create(
            district=district,
            year=policy_row["year"],
            defaults={
                "document_number": policy_row["document_number"],
                "document_date": date.fromisoformat(policy_row["document_date"]),
                "title": policy_row["title"],
            },
        )
        for rule_row in policy_row["rules"]:
            rule, _ = TargetRule.objects.update_or_create(
                policy=policy,
                code=rule_row["code"],
                defaults={
                    "label": rule_row["label"],
                    "unit_kind": rule_row.get("unit_kind", ""),
                    "unit": units_by_code.get(rule_row.get("unit") or ""),
                    "authority": rule_row["authority"],
                    "min_online_level": rule_row["min_online_level"],
                    "own_procedures_only": rule_row["own_procedures_only"],
                    "measure": rule_row["measure"],
                    "target": Decimal(rule_row["target"]),
                    "points": Decimal(rule_row["points"]),
                    "sort_order": rule_row.get("sort_order", 0),
                },
            )
            rule.full_clean()
            stats["rules"] += 1
    stats["district"] = district
    return stats


def _demo_counts_for(unit: Unit, procedures: list[Procedure]) -> list[tuple[Procedure, int, int, int]]:
    """(procedure, month, total, online) rows for one unit, reproducible from the unit's code."""
    rng = random.Random(f"ductho-2020-{unit.code}")
    rows = []
    if unit.kind == UnitKind.COMMUNE:
        profile, volume = COMMUNE_PROFILES.get(unit.code, ("good", 1.0))
        commune_procedures = [p for p in procedures if p.authority == Authority.COMMUNE]
        district_procedures = [p for p in procedures if p.authority == Authority.DISTRICT]
        if profile != "no_commune_dossiers":
            busy = rng.sample(commune_procedures, k=min(14, len(commune_procedures)))
            for procedure in busy:
                base = rng.randint(1, 9)
                for month in DEMO_MONTHS:
                    total = max(0, round(rng.gauss(base, base / 3) * volume))
                    online = sum(1 for _ in range(total) if rng.random() < ONLINE_SHARE[profile])
                    if total:
                        rows.append((procedure, month, total, online))
        filed = rng.sample(district_procedures, k=min(6, len(district_procedures)))
        for month in DEMO_MONTHS:
            online_this_month = max(0, round(rng.gauss(C1_MONTHLY_MEAN[profile], 1.0)))
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
        for procedure in own:
            base = rng.randint(0, 12)
            if base == 0:
                continue
            for month in DEMO_MONTHS:
                total = max(0, round(rng.gauss(base, base / 3)))
                online = sum(1 for _ in range(total) if rng.random() < share)
                if total:
                    rows.append((procedure, month, total, online))
    return rows


@transaction.atomic
def load_demo_counts(*, district: District, recorded_by=None) -> int:
    """Add the January–September 2020 demo counts that are not there yet; returns how many."""
    procedures = list(Procedure.objects.offered_in(DEMO_YEAR).online(TARGET_MIN_LEVEL).order_by("code"))
    units = list(Unit.objects.filter(district=district).order_by("code"))
    existing = set(
        DossierCount.objects.filter(unit__district=district, year=DEMO_YEAR).values_list(
            "unit_id", "procedure_id", "month"
        )
    )
    new_rows = []
    for unit in units:
        for procedure, month, total, online in _demo_counts_for(unit, procedures):
            if (unit.pk, procedure.pk, month) in existing:
                continue
            new_rows.append(
                DossierCount(
                    unit=unit,
                    procedure=procedure,
                    year=DEMO_YEAR,
                    month=month,
                    total=total,
                    online=online,
                    updated_by=recorded_by,
                )
            )
    if new_rows:
        bulk_create_with_history(new_rows, DossierCount, batch_size=500, default_user=recorded_by)
    return len(new_rows)


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
        unit = Unit.objects.get(code=login.unit_code) if login.unit_code else None
        district = unit.district if unit else District.objects.order_by("code").first()
        assign_role(user=user, role=login.role, unit=unit, district=district)
        password_state = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else None
        result.append((login, password_state))
    return result
