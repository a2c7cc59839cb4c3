"""django-tables2 tables built from the row generators' column lists (`reports.rows`).

django-tables2 keeps what it is good at: the columns, their headers, sorting by the query
string. The body is written here: each column turns a value into HTML with `cell_html`, once
per cell — django-tables2's own body renders each cell through introspection of `render()`
and, for a template column, a template, which cost two thirds of the overview page.
"""

import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import AttributeDict

from dvctt_portal.figures import format_number

from .rows import Column, Rate
from .wording import NOT_APPLICABLE, NOT_SCORED, rate_text, status_label, target_text

NUMERIC = {"th": {"class": "num"}, "td": {"class": "num"}}


class ReportColumn(tables.Column):
    """A column whose cells are written by `cell_html(value)`; `url_of(record)` makes the cell a link
    (no link when it gives None: a unit whose code cannot be in an address)."""

    def __init__(self, *args, url_of=None, numeric=False, **kwargs):
        self.url_of = url_of
        if numeric:
            kwargs["attrs"] = NUMERIC
        super().__init__(*args, **kwargs)

    def cell_html(self, value) -> str:
        return conditional_escape(value)

    def render(self, value, record):
        content = self.cell_html(value)
        url = self.url_of(record) if self.url_of else None
        return format_html('<a href="{}">{}</a>', url, content) if url else content


class CountColumn(ReportColumn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, numeric=True, **kwargs)

    def cell_html(self, value):
        return format_number(value)


class RateColumn(ReportColumn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, numeric=True, **kwargs)

    def cell_html(self, value):
        return rate_text(value.online, value.total)


class ValueColumn(ReportColumn):
    """A rule's value: the rate with its sums for a rate rule, the online count for a count rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, numeric=True, **kwargs)

    def cell_html(self, value):
        if isinstance(value, Rate):
            if value.percent is None:
                return format_html('<span class="muted">{}</span>', _("0/0"))
            return format_html(
                '{} <span class="figure-detail">{}/{}</span>',
                rate_text(value.online, value.total), format_number(value.online), format_number(value.total),
            )
        return format_number(value)


class TargetColumn(ReportColumn):
    def __init__(self, *args, rule, **kwargs):
        self.rule = rule
        self._text = None
        super().__init__(*args, numeric=True, **kwargs)

    def cell_html(self, value):
        # the same for every row: said once per table (a table is built per request, in its language)
        if self._text is None:
            self._text = target_text(self.rule)
        return self._text


class StatusColumn(ReportColumn):
    """A rule's status; a rule that does not apply to the unit reads "không áp dụng"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", NOT_APPLICABLE)
        super().__init__(*args, **kwargs)

    def cell_html(self, value):
        return format_html('<span class="status status--{}">{}</span>', value, status_label(value))


class PointsColumn(CountColumn):
    pass


class ScoreColumn(CountColumn):
    """Points earned or a score (Decision 766): two decimals at most; "N/A" when a proportional
    rule's value has no denominator."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", NOT_SCORED)
        super().__init__(*args, **kwargs)


COLUMN_CLASSES = {
    "text": ReportColumn,
    "count": CountColumn,
    "rate": RateColumn,
    "value": ValueColumn,
    "status": StatusColumn,
    "points": PointsColumn,
    "score": ScoreColumn,
}


def table_columns(columns: list[Column], *, links=None) -> list[tuple[str, tables.Column]]:
    """One django-tables2 column per report column; `links` maps a column key to a function
    giving the URL of a row's cell."""
    links = links or {}
    built = []
    for column in columns:
        options = {"accessor": column.key, "verbose_name": column.header, "order_by": (column.order_key,),
                   "url_of": links.get(column.key)}
        if column.kind == "target":
            table_column = TargetColumn(rule=column.rule, **options)
        else:
            table_column = COLUMN_CLASSES[column.kind](**options)
        # Under its rule's heading a column needs only its aspect ("kết quả", not "C1 · kết quả").
        table_column.short_header = str(column.header).split(" · ", 1)[-1]
        built.append((column.key, table_column))
    return built


def column_groups(columns: list[Column]) -> list[tuple[str, int]]:
    """The heading over each run of a rule's columns ("C1 — chỉ tiêu 20 hồ sơ: …") with how many
    columns it spans; ("", 1) over a column of no rule."""
    groups = []
    for column in columns:
        if column.rule is not None and groups and groups[-1][2] is column.rule:
            label, span, rule = groups[-1]
            groups[-1] = (label, span + 1, rule)
            continue
        label = "" if column.rule is None else f"{column.rule.code} — {column.rule.label} ({_('chỉ tiêu')} {target_text(column.rule)})"
        groups.append((label, 1, column.rule))
    return [(label, span) for label, span, _rule in groups]


class ReportTable(tables.Table):
    """Columns come from a row generator's column list (`extra_columns`); rows are dicts keyed
    by column key."""

    class Meta:
        template_name = "reports/table.html"
        attrs = {"class": "data-table"}
        empty_text = _("Không có đơn vị nào khớp với bộ lọc.")

    def __init__(self, *args, groups=None, **kwargs):
        self.groups = groups or []  # column_groups: a heading row over the rules' columns
        super().__init__(*args, **kwargs)

    @cached_property
    def body_html(self):
        """The rows of the body in the current order, or None when django-tables2 must render
        them itself (a paginated table, or a column that is not a ReportColumn)."""
        if getattr(self, "page", None) is not None:
            return None
        cells = []
        for bound in self.columns:
            if not isinstance(bound.column, ReportColumn):
                return None
            column = bound.column
            td = AttributeDict(bound.attrs.get("td", {})).as_html()
            cells.append((str(bound.accessor), column, column.empty_values, conditional_escape(bound.default), td))
        html = []
        for index, record in enumerate(self.data):
            html.append('<tr class="even">' if index % 2 == 0 else '<tr class="odd">')
            for key, column, empty_values, default, td in cells:
                value = record.get(key)
                content = default if value in empty_values else column.render(value, record)
                html.append(f"<td {td}>{conditional_escape(content)}</td>")
            html.append("</tr>")
        return mark_safe("\n".join(html))
