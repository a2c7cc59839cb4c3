"""Which year and which months a report shows: `?year=2020&through=9`, validated, with defaults.

Defaults: the policy of the current year (else the latest before it, else the earliest), and
the last month due, no later than the last month with any figures — 12 once the year is locked.
"""

from dataclasses import dataclass

from django import forms
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from targets.models import TargetPolicy
from targets.completeness import last_due_month
from targets.progress import last_entered_month
from units.models import District

from .locks import year_lock

def _month_label(month: int) -> str:
    return gettext("Tháng %(month)s") % {"month": month}


# Translated when shown, in the reader's language (not once at import).
MONTH_CHOICES = [(month, lazy(_month_label, str)(month)) for month in range(1, 13)]


@dataclass(frozen=True)
class Period:
    policy: TargetPolicy
    through: int

    @property
    def year(self) -> int:
        return self.policy.year

    @property
    def is_year_end(self) -> bool:
        return self.through == 12

    @property
    def first_month(self) -> int:
        return self.policy.first_month

    @property
    def last_counted(self) -> int:
        """The last month counted: `through`, but not past the policy's last month."""
        return min(self.through, self.policy.last_month)


def district_policies(district: District | None) -> dict[int, TargetPolicy]:
    """The district's policies by year (one query)."""
    if district is None:
        return {}
    policies = TargetPolicy.objects.filter(district=district).select_related("district").order_by("-year")
    return {policy.year: policy for policy in policies}


def default_year(years) -> int | None:
    years = sorted(years)
    if not years:
        return None
    this_year = timezone.localdate().year
    past = [year for year in years if year <= this_year]
    return past[-1] if past else years[0]


def default_through(district: District, year: int) -> int:
    """12 once the year is locked; else the last month due (targets.completeness.last_due_month),
    but no later than the last month with any figures — so one unit entering a month early never
    moves everybody's period, and a year reported up to September opens on September."""
    if year_lock(district, year) is not None:
        return 12
    due = last_due_month(district, year) or 1
    entered = last_entered_month(district, year)
    return min(due, entered) if entered else 1


def year_field(years, *, required=False):
    return forms.TypedChoiceField(
        label=_("Năm"),
        choices=[(year, str(year)) for year in sorted(years, reverse=True)],
        coerce=int,
        empty_value=None,
        required=required,
        error_messages={"invalid_choice": _("Năm %(value)s chưa có chỉ tiêu của huyện: hãy chọn một năm trong danh sách.")},
    )


def through_field():
    return forms.TypedChoiceField(
        label=_("Số liệu đến hết"),
        choices=MONTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Tháng phải từ 1 đến 12 (nhận được “%(value)s”).")},
    )


class PeriodForm(forms.Form):
    """`year` and `through` of the query string; the years offered are those with a policy."""

    def __init__(self, data=None, *, years=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"] = year_field(years)
        self.fields["through"] = through_field()
        self.years = list(years)

    def clean(self):
        cleaned = super().clean()
        if not self.years:
            raise forms.ValidationError(_("Chưa có chỉ tiêu (chính sách) nào cho huyện này."))
        return cleaned


def known_year(value, policies) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if year in policies else None


def with_defaults(query, *, district: District | None, policies: dict, fixed_through: int | None = None):
    """The query string with the default year and month filled in where they are missing, so
    that the form shows the period actually reported."""
    data = query.copy()
    if not data.get("year"):
        year = default_year(policies)
        if year is not None:
            data["year"] = str(year)
    year = known_year(data.get("year"), policies)
    if not data.get("through") and year is not None:
        data["through"] = str(fixed_through or default_through(district, year))
    return data


def period_of(*, policies: dict, year: int, through: int) -> Period:
    """The period of a validated year and month; fetches the policy's rules once for every
    later call (`compute_progress`, `procedure_breakdown`, `monthly_series`)."""
    policy = policies[year]
    prefetch_related_objects([policy], "rules")
    return Period(policy=policy, through=through)


def period_from_query(query, *, district: District | None, fixed_through: int | None = None):
    """(form, period) from `?year=…&through=…`; period is None when the form has errors."""
    policies = district_policies(district)
    form = PeriodForm(with_defaults(query, district=district, policies=policies, fixed_through=fixed_through),
                      years=policies)
    if not form.is_valid():
        return form, None
    return form, period_of(policies=policies, year=form.cleaned_data["year"], through=form.cleaned_data["through"])
