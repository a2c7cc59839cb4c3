"""The entry matrix's rows are written in Python (submissions/matrix_html.py, issue 20): they
must say exactly what the matrix template said, for every state a cell can be in."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from submissions.grid import CELL_LABELS, Cell, build_matrix
from submissions.matrix_html import matrix_rows_html
from units.models import Unit

pytestmark = pytest.mark.django_db

# The rows as templates/submissions/entry_index.html wrote them before issue 20, word for word.
ROWS_TEMPLATE = """{% load i18n entry %}      {% for row in matrix.rows %}
      <tr>
        <th scope="row" class="matrix__unit">
          <span class="matrix__name">{{ row.unit.name }}</span>
          <span class="matrix__code">{{ row.unit.code }}{% if not row.applies %} · {% translate "không có thủ tục mức độ 3, 4" %}{% endif %}</span>
        </th>
        {% for cell in row.cells %}
        <td class="matrix__cell cell--{{ cell.state }}{% if cell.late %} cell--late{% endif %}{% if cell.locked %} cell--locked{% endif %}">
          {% url 'submissions:entry_grid' row.unit.code year cell.month as grid_url %}
          <a {% if grid_url %}href="{{ grid_url }}"{% endif %}
             title="{{ row.unit.name }} · {% blocktranslate with month=cell.month %}tháng {{ month }}/{{ year }}{% endblocktranslate %}: {{ cell.label }}">
            <span aria-hidden="true">{{ cell.mark }}{% if cell.late %}◷{% endif %}{% if cell.locked %}🔒{% endif %}</span>
            <span class="visually-hidden">{{ row.unit.name }}, {% blocktranslate with month=cell.month %}tháng {{ month }}{% endblocktranslate %}: {{ cell.label }}</span>
          </a>
        </td>
        {% endfor %}
      </tr>
      {% endfor %}
"""


def normalized(markup: str) -> str:
    """Markup as a browser reads it: runs of white space are one, none between tags nor inside
    an opening tag's end."""
    markup = re.sub(r"\s+", " ", str(markup))
    return re.sub(r">\s+<", "><", re.sub(r"\s+>", ">", markup)).strip()


def matrix_in_every_state(year):
    """The district's real matrix, its cells then put through every state, late and locked, a
    unit without procedures, a name that needs escaping, a code no address can hold."""
    matrix = build_matrix(Unit.objects.filter(district__code="440").active(), year)
    states = list(CELL_LABELS)
    for index, row in enumerate(matrix.rows[:6]):
        row.cells = [Cell(row.unit, month, states[(month + index) % len(states)], locked=(month + index) % 4 == 0,
                          late=(month + index) % 3 == 0) for month in range(1, 13)]
    matrix.rows[1].applies = False
    matrix.rows[2].unit.name = 'UBND <b>"xã"</b> & Co'
    matrix.rows[3].unit.code = "x/y"
    return matrix


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_matrix_rows_written_in_python_say_what_the_template_said(reference, language):
    matrix = matrix_in_every_state(2020)
    assert len({cell.state for row in matrix.rows for cell in row.cells}) == len(CELL_LABELS)
    with translation.override(language):
        expected = Template(ROWS_TEMPLATE).render(Context({"matrix": matrix, "year": 2020}))
        written = matrix_rows_html(matrix, 2020)
    assert normalized(written) == normalized(expected)
    assert "&lt;b&gt;&quot;xã&quot;&lt;/b&gt; &amp; Co" in written
    assert 'href="/entry/x/y/' not in written and "/entry/" in written
