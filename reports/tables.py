"""django-tables2 tables built from the row generators' column lists (`reports.rows`)."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from targets.formatting import format_number

from .rows import Column, Rate
from .wording import rate_text, status_label, target_text

NUMERIC = {"th": {"class": "num"}, "td": {"class": "num"}}


class CountColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, attrs=NUMERIC, **kwargs)

    def render(self, value):
        return format_number(value)


class RateColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, attrs=NUMERIC, **kwargs)

    def render(self, value):
        return rate_text(value.online, value.total)


class ValueColumn(tables.Column):
    """A rule's value: the rate with its sums for a rate rule, the online count for a count rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, attrs=NUMERIC, **kwargs)

    def render(self, value):
        if isinstance(value, Rate):
            if value.percent is None:
                return format_html('<span class="muted">{}</span>', _("0/0"))
            return format_html(
                '{} <span class="figure-detail">{}/{}</span>',
                rate_text(value.online, value.total), format_number(value.online), format_number(value.total),
            )
        return format_number(value)


class TargetColumn(tables.Column):
    def __init__(self, *args, rule, **kwargs):
        self.rule = rule
        super().__init__(*args, attrs=NUMERIC, **kwargs)

    def render(self, value):
        return target_text(self.rule)


class StatusColumn(tables.Column):
    def render(self, value):
        return render_to_string("includes/status_badge.html", {"status": value, "label": status_label(value)})


class PointsColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, attrs=NUMERIC, **kwargs)

    def render(self, value):
        return format_number(value)


COLUMN_CLASSES = {
    "text": tables.Column,
    "count": CountColumn,
    "rate": RateColumn,
    "value": ValueColumn,
    "status": StatusColumn,
    "points": PointsColumn,
}


def table_columns(columns: list[Column], *, links=None) -> list[tuple[str, tables.Column]]:
    """One django-tables2 column per report column; `links` maps a column key to a function
    giving the URL of a row's cell."""
    links = links or {}
    built = []
    for column in columns:
        options = {"accessor": column.key, "verbose_name": column.header, "order_by": (column.order_key,)}
        if column.key in links:
            options["linkify"] = links[column.key]
        if column.kind == "target":
            built.append((column.key, TargetColumn(rule=column.rule, **options)))
        else:
            built.append((column.key, COLUMN_CLASSES[column.kind](**options)))
    return built


class ReportTable(tables.Table):
    """Columns come from a row generator's column list (`extra_columns`)."""

    class Meta:
        template_name = "reports/table.html"
        attrs = {"class": "data-table"}
        empty_text = _("Không có đơn vị nào khớp với bộ lọc.")
