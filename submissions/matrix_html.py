"""The entry matrix's rows written out in Python (issue 20).

The matrix is a unit × 12 months table; through the template language each cell reversed its
grid's address and translated three sentences, and a district of 32 units spent most of the page
there. `matrix_rows_html` gives the same markup the template gave (submissions/tests/
test_matrix_html.py compares the two); the grid's address is reversed once per unit.
"""

from html import escape

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .grid import CELL_LABELS, CELL_MARKS, LATE_LABEL, LOCKED_LABEL


def _grid_urls(code: str, year: int) -> list[str]:
    """The twelve months' grid addresses of a unit ("" for a code no address can hold)."""
    try:
        january = reverse("submissions:entry_grid", args=[code, year, 1])
    except NoReverseMatch:
        return [""] * 12
    if not january.endswith("/1/"):  # another address pattern: each month its own reverse()
        return [reverse("submissions:entry_grid", args=[code, year, month]) for month in range(1, 13)]
    stem = january[: -len("1/")]
    return [f"{stem}{month}/" for month in range(1, 13)]


def matrix_rows_html(matrix, year: int) -> SafeString:
    """The <tbody> content of the matrix: one row per unit, one cell per month."""
    labels = {state: str(label) for state, label in CELL_LABELS.items()}
    late_label, locked_label = str(LATE_LABEL), str(LOCKED_LABEL)
    no_procedures = escape(_("không có thủ tục mức độ 3, 4"))
    month_of_year = [escape(_("tháng %(month)s/%(year)s") % {"month": month, "year": year}) for month in range(1, 13)]
    month_only = [escape(_("tháng %(month)s") % {"month": month}) for month in range(1, 13)]
    rows = []
    for row in matrix.rows:
        unit = row.unit
        name = escape(unit.name)
        urls = _grid_urls(unit.code, year)
        cells = []
        for cell in row.cells:
            words = [labels[cell.state]]
            if cell.late:
                words.append(late_label)
            if cell.locked:
                words.append(locked_label)
            label = escape(" · ".join(words))
            classes = f"matrix__cell cell--{escape(str(cell.state))}" + (" cell--late" if cell.late else "") + (
                " cell--locked" if cell.locked else "")
            url = urls[cell.month - 1]
            href = f'href="{escape(url)}"' if url else ""
            mark = escape(CELL_MARKS[cell.state]) + ("◷" if cell.late else "") + ("🔒" if cell.locked else "")
            cells.append(
                f'<td class="{classes}"><a {href} title="{name} · {month_of_year[cell.month - 1]}: {label}">'
                f'<span aria-hidden="true">{mark}</span>'
                f'<span class="visually-hidden">{name}, {month_only[cell.month - 1]}: {label}</span></a></td>')
        applies = "" if row.applies else f" · {no_procedures}"
        rows.append(f'<tr><th scope="row" class="matrix__unit"><span class="matrix__name">{name}</span>'
                    f'<span class="matrix__code">{escape(unit.code)}{applies}</span></th>{"".join(cells)}</tr>')
    return mark_safe("\n".join(rows))
