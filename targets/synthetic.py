"""Synthetic districts for scale tests and benchmarks: a province, or the whole country — and,
with `province`, provinces as they are after 7/2025: communes and departments, no districts.

Each synthetic district gets communes, departments, its own copy of the 80 district-authority
procedures (handled by its own departments, as each district portal configures its own
catalog), the shared 40 commune-authority procedures, the 2020 policy's rules, and monthly
counts with a realistic spread of online rates and some zero months. Reproducible by seed;
written with bulk inserts in batches so memory stays flat.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from submissions.models import Authority, DossierCount, Procedure
from units.models import District, Level, Unit, UnitKind

from .models import TargetPolicy, TargetRule
from .reference_data import load_reference, read_reference

BATCH_SIZE = 5000
SYNTHETIC_PROVINCE = "Tỉnh thử nghiệm"


@dataclass(frozen=True)
class SyntheticSize:
    districts: int
    communes: int
    departments: int
    year: int = 2020
    months: int = 12
    seed: int = 1
    province: bool = False  # provinces of communes and departments, no districts (after 7/2025)


def district_code(seed: int, index: int) -> str:
    return f"S{seed}-{index:03d}"


def existing_synthetic(seed: int):
    return District.objects.filter(code__startswith=f"S{seed}-")


@transaction.atomic
def remove_synthetic(seed: int) -> int:
    districts = list(existing_synthetic(seed))
    if not districts:
        return 0
    DossierCount.objects.filter(unit__district__in=districts).delete()
    TargetRule.objects.filter(policy__district__in=districts).delete()
    TargetPolicy.objects.filter(district__in=districts).delete()
    Procedure.objects.filter(department__district__in=districts).delete()
    Unit.objects.filter(district__in=districts).delete()
    return District.objects.filter(pk__in=[district.pk for district in districts]).delete()[0]


def generate(size: SyntheticSize, *, progress=None) -> dict:
    """Create the synthetic districts; returns counts of what was written."""
    if not 1 <= size.months <= 12:
        raise ValueError("months must be 1–12")
    reference = read_reference()
    if not Procedure.objects.filter(authority=Authority.COMMUNE).exists():
        load_reference(reference)
    rng = random.Random(size.seed)
    commune_procedures = list(
        Procedure.objects.offered_in(size.year).online().filter(authority=Authority.COMMUNE).order_by("code")
    )
    department_rows = [row for row in reference["units"] if row["kind"] == UnitKind.DEPARTMENT]
    district_procedure_rows = [
        row for row in reference["procedures"] if row["authority"] == Authority.DISTRICT and row["online_level"] >= 3
    ]
    reference_policy = reference["policies"][0]
    written = {"districts": 0, "units": 0, "procedures": 0, "counts": 0}
    for index in range(1, size.districts + 1):
        with transaction.atomic():
            counts = _generate_district(
                size, index, rng, commune_procedures, department_rows, district_procedure_rows, reference_policy
            )
        written["districts"] += 1
        written["units"] += size.communes + size.departments
        written["procedures"] += len(district_procedure_rows)
        written["counts"] += counts
        if progress:
            progress(index, written)
    return written


def _generate_district(size, index, rng, commune_procedures, department_rows, procedure_rows, policy_row) -> int:
    """One synthetic district for the benchmarks, in bulk inserts: units, catalog, policy, counts.
    Long because each step needs the rows the one before it inserted (their ids)."""
    if size.province:
        code, authority = f"S{size.seed}-P{index:02d}", Authority.PROVINCE
        district = District.objects.create(code=code, name=f"Tỉnh thử nghiệm {index:02d}",
                                           province=f"Tỉnh thử nghiệm {index:02d}", level=Level.PROVINCE)
    else:
        code, authority = district_code(size.seed, index), Authority.DISTRICT
        district = District.objects.create(
            code=code, name=f"Huyện thử nghiệm {index:03d}", province=SYNTHETIC_PROVINCE
        )
    communes = Unit.objects.bulk_create(
        [
            Unit(district=district, code=f"{code}-X{number:03d}", name=f"Xã thử nghiệm {number:03d}",
                 kind=UnitKind.COMMUNE, sort_order=number)
            for number in range(1, size.communes + 1)
        ]
    )
    departments = []
    for number in range(size.departments):
        template = department_rows[number % len(department_rows)]
        suffix = template["code"].split(".", 1)[1] + ("" if number < len(department_rows) else f"{number}")
        departments.append(
            Unit(district=district, code=f"{code}.{suffix}", name=template["name"], kind=UnitKind.DEPARTMENT,
                 sort_order=100 + number)
        )
    departments = Unit.objects.bulk_create(departments)
    by_reference_code = {}
    for number, unit in enumerate(departments):
        by_reference_code.setdefault(department_rows[number % len(department_rows)]["code"], unit)
    district_procedures = []
    for number, row in enumerate(procedure_rows):
        department = by_reference_code.get(row["department"]) or (departments[number % len(departments)] if departments else None)
        if department is None:
            continue
        district_procedures.append(
            Procedure(code=f"{row['code']}@{code}", name=row["name"], field=row["field"], authority=authority,
                      online_level=row["online_level"], department=department, first_year=row["first_year"])
        )
    district_procedures = Procedure.objects.bulk_create(district_procedures)
    policy = TargetPolicy.objects.create(
        district=district, year=size.year, document_number=f"{index}/KH-UBND",
        document_date=date(size.year, 1, 15), title=policy_row["title"],
    )
    TargetRule.objects.bulk_create(
        [
            TargetRule(policy=policy, code=rule["code"], label=rule["label"], unit_kind=rule["unit_kind"],
                       authority=authority if rule["authority"] == Authority.DISTRICT else rule["authority"],
                       min_online_level=rule["min_online_level"],
                       own_procedures_only=rule["own_procedures_only"], measure=rule["measure"],
                       target=rule["target"], points=rule["points"], sort_order=rule["sort_order"])
            for rule in policy_row["rules"]
        ]
    )
    batch, written = [], 0

    def add(unit, procedure, month, total, online):
        nonlocal written
        batch.append(DossierCount(unit=unit, procedure=procedure, year=size.year, month=month, total=total, online=online))
        if len(batch) >= BATCH_SIZE:
            DossierCount.objects.bulk_create(batch)
            written += len(batch)
            batch.clear()

    for unit in communes:
        share = min(0.9, max(0.0, rng.gauss(0.27, 0.12)))
        busy = rng.sample(commune_procedures, k=min(len(commune_procedures), rng.randint(6, 20)))
        for procedure in busy:
            base = rng.randint(1, 12)
            for month in range(1, size.months + 1):
                if rng.random() < 0.1:
                    continue  # a zero month
                total = max(1, int(rng.gauss(base, base / 3)))
                add(unit, procedure, month, total, sum(rng.random() < share for _ in range(total)))
        filed = rng.sample(district_procedures, k=min(len(district_procedures), 6))
        pace = max(0.0, rng.gauss(1.8, 0.9))
        for procedure in filed:
            for month in range(1, size.months + 1):
                online = int(rng.random() * pace * 1.5)
                if online:
                    add(unit, procedure, month, online + rng.randint(0, 1), online)
    own_by_department = {}
    for procedure in district_procedures:
        own_by_department.setdefault(procedure.department_id, []).append(procedure)
    for unit in departments:
        share = min(0.9, max(0.0, rng.gauss(0.3, 0.12)))
        for procedure in own_by_department.get(unit.pk, []):
            base = rng.randint(0, 15)
            if base == 0:
                continue
            for month in range(1, size.months + 1):
                if rng.random() < 0.08:
                    continue
                total = max(1, int(rng.gauss(base, base / 3)))
                add(unit, procedure, month, total, sum(rng.random() < share for _ in range(total)))
    if batch:
        DossierCount.objects.bulk_create(batch)
        written += len(batch)
    return written
