"""The data-quality review: every value of a year that is unusual against the unit's own history
(submissions.plausibility), to look at before the year-end lock. One query over the year and the
twelve months before it."""

from collections import defaultdict
from dataclasses import dataclass

from submissions.models import DossierCount
from submissions.plausibility import unusual
from units.models import District


@dataclass(frozen=True)
class QualityItem:
    unit_code: str
    unit_name: str
    procedure_code: str
    month: int
    field: str
    value: int
    expected_max: int
    reason: str

    def as_document(self) -> dict:
        return {"unit_code": self.unit_code, "procedure_code": self.procedure_code, "month": self.month,
                "field": self.field, "value": self.value, "expected_max": self.expected_max, "reason": self.reason,
                "confirmed_by": None}


def quality_items(district: District, year: int, *, unit_ids=None) -> list[QualityItem]:
    """The unusual values of a district's year, by unit, procedure and month."""
    counts = (
        DossierCount.objects.filter(unit__district=district, year__in=(year - 1, year))
        .values_list("unit_id", "unit__code", "unit__name", "procedure_id", "procedure__code", "year", "month", "total", "online")
        .order_by("unit__code", "procedure__code", "year", "month")
    )
    if unit_ids is not None:
        counts = counts.filter(unit_id__in=unit_ids)
    series = defaultdict(list)
    for unit_id, unit_code, unit_name, procedure_id, procedure_code, row_year, month, total, online in counts:
        series[(unit_code, unit_name, procedure_code)].append((row_year, month, total, online))
    items = []
    for (unit_code, unit_name, procedure_code), rows in series.items():
        totals, onlines = [], []
        for row_year, month, total, online in rows:
            if row_year == year:
                for field, value, history in (("total", total, totals), ("online", online, onlines)):
                    found = unusual(field, value, history)
                    if found is not None:
                        items.append(QualityItem(unit_code, unit_name, procedure_code, month, field, value,
                                                 found.expected_max, found.reason))
            totals.append(total)
            onlines.append(online)
    return sorted(items, key=lambda item: (item.unit_code, item.month, item.procedure_code, item.field))
