"""The district overview's filters (django-filter), over the units the person may see.

Kind and name narrow the units in the database. Year and month choose the period, rule and
status choose among the engine's results: those four leave the queryset as it is and are
applied by the view and the row generator (`reports.rows.unit_rows`).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from dvctt_portal.text import search

from targets.arithmetic import Status
from targets.results import STATUS_LABELS
from units.models import PROVINCE_KIND_LABELS, Unit, UnitKind

from .periods import MONTH_CHOICES


class OverviewFilter(django_filters.FilterSet):
    administration = django_filters.ChoiceFilter(label=_("Tỉnh, huyện"), method="keep_units", empty_label=None)
    year = django_filters.TypedChoiceFilter(
        label=_("Năm"), method="keep_units", coerce=int, empty_value=None,
        error_messages={"invalid_choice": _("Năm %(value)s chưa có chỉ tiêu của huyện: hãy chọn một năm trong danh sách.")},
    )
    through = django_filters.TypedChoiceFilter(
        label=_("Số liệu đến hết"), method="keep_units", coerce=int, empty_value=None,
        choices=MONTH_CHOICES,
        error_messages={"invalid_choice": _("Tháng phải từ 1 đến 12 (nhận được “%(value)s”).")},
    )
    kind = django_filters.ChoiceFilter(label=_("Loại đơn vị"), choices=UnitKind.choices, empty_label=_("Tất cả"))
    rule = django_filters.ChoiceFilter(label=_("Chỉ tiêu"), method="keep_units", empty_label=_("Tất cả"))
    status = django_filters.ChoiceFilter(
        label=_("Đánh giá"), method="keep_units", empty_label=_("Tất cả"),
        choices=[(status.value, STATUS_LABELS[status]) for status in Status],
    )
    q = django_filters.CharFilter(label=_("Tìm đơn vị (tên hoặc mã)"), method="search")

    class Meta:
        model = Unit
        fields = ["administration", "year", "through", "kind", "rule", "status", "q"]

    def __init__(self, data=None, queryset=None, *, years=(), rules=(), administrations=(), province=False, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if province:  # a province's units are its departments (sở, ngành) and its communes and wards
            self.filters["kind"].extra["choices"] = list(PROVINCE_KIND_LABELS.items())
        if administrations:  # a province's people: the province or one of its districts
            self.filters["administration"].extra["choices"] = [(each.code, each.name) for each in administrations]
        else:
            del self.filters["administration"]
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in sorted(years, reverse=True)]
        self.filters["rule"].extra["choices"] = [(rule.code, f"{rule.code} — {rule.label}") for rule in rules]

    def keep_units(self, queryset, name, value):
        return queryset

    def search(self, queryset, name, value):
        return search(queryset, value, ("name", "code"))

    def description(self) -> str:
        """The filters in words, for the spreadsheet's subtitle."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        parts = []
        for name in ("kind", "rule", "status", "q"):
            value = self.form.cleaned_data.get(name)
            if value:
                field = self.form.fields[name]
                choices = dict(getattr(field, "choices", []))
                parts.append(f"{field.label}: {choices.get(value, value)}")
        return "; ".join(str(part) for part in parts)
