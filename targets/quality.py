"""The data-quality review: every value of a year that is unusual against the unit's own history
(submissions.plausibility, the rules the grid and the import apply), confirmed or not, to look
at before the year-end lock. Four queries: the units, their counts over the year and the one
before, the procedures' codes, the confirmations."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from submissions.locks import format_moment, person_name
from submissions.models import Procedure
from submissions.unusual import flagged, saved_counts, saved_findings
from units.models import District, Unit


@dataclass(frozen=True)
class QualityItem:
    unit_code: str
    unit_name: str
    procedure_code: str | None  # None: the unit-month as a whole (its total or online share)
    month: int
    field: str
    value: int
    expected_max: int | None  # None where the rule has no maximum (a drop to 0)
    reason: str
    confirmed_by: str | None  # who confirmed the value is right ("dòng lệnh" from the command line), or None
    confirmed_at: datetime | None = None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by is not None

    @property
    def confirmed_text(self) -> str:
        if not self.confirmed:
            return ""
        return f"{self.confirmed_by}, {format_moment(self.confirmed_at)}"

    def as_document(self) -> dict:
        return {"unit_code": self.unit_code, "procedure_code": self.procedure_code, "month": self.month,
                "field": self.field, "value": self.value, "expected_max": self.expected_max, "reason": self.reason,
                "confirmed_by": self.confirmed_by}


def quality_items(district: District, year: int, *, unit_ids=None) -> list[QualityItem]:
    """The unusual values of a district's year, by unit, month and procedure (the month's own first)."""
    units = Unit.objects.filter(district=district)
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    units = {unit.pk: unit for unit in units.only("pk", "code", "name")}
    if not units:
        return []
    found = flagged(saved_findings(saved_counts(units, year, year), year=year))
    codes = dict(Procedure.objects.filter(pk__in={item.finding.procedure_id for item in found} - {None})
                 .values_list("pk", "code"))
    items = []
    for item in found:
        finding, check = item.finding, item.check
        unit = units[finding.unit_id]
        confirmed_by = None
        if check is not None:
            confirmed_by = person_name(check.confirmed_by) or str(_("dòng lệnh"))
        items.append(QualityItem(
            unit.code, unit.name, codes.get(finding.procedure_id), finding.month, finding.unusual.field,
            finding.unusual.value, finding.unusual.expected_max, finding.reason, confirmed_by,
            check.confirmed_at if check is not None else None,
        ))
    return sorted(items, key=lambda item: (item.unit_code, item.month, item.procedure_code or "", item.field))


def unconfirmed_items(district: District, year: int) -> list[QualityItem]:
    """The unusual values nobody has confirmed yet: what the year-end gate lists."""
    return [item for item in quality_items(district, year) if not item.confirmed]
