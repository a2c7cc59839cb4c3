"""The grid's rows are written in Python (submissions/grid_html.py, issue 20): they must say
exactly what the row template said, in every state a row can be in."""

import re
from datetime import datetime, timezone as dt_timezone

import pytest
from django.template import Context, Template
from django.utils import translation

from submissions.forms import CountGridForm
from submissions.grid import build_grid
from submissions.grid_html import section_rows_html
from submissions.models import UnusualCheck
from submissions.plausibility import JUMP, Finding, Unusual
from submissions.unusual import Flagged

from .helpers import MONTH, YEAR

pytestmark = pytest.mark.django_db

# The row as templates/submissions/entry_grid.html wrote it before issue 20, word for word.
ROW_TEMPLATE = """{% load i18n entry %}{% for row, total, online, errors, differs, checked in rows %}
          <tr id="row-{{ row.procedure.pk }}" class="entry-row{% if errors %} has-error{% endif %}{% if row.procedure.pk in changed_ids %} is-changed{% endif %}{% if differs %} is-conflict{% endif %}" data-row
              data-search="{{ row.procedure.code }} {{ row.procedure.name|fold }} {{ row.procedure.field|fold }}">
            <td class="code">{{ row.procedure.code }}</td>
            <td class="entry-row__name">
              {{ row.procedure.name }}
              <span class="entry-row__field">{{ row.procedure.field }} · {{ row.procedure.level_short_name }}</span>
              {% if row.procedure.pk in changed_ids %}<span class="entry-row__badge">{% translate "vừa thay đổi" %}</span>{% endif %}
              {% if errors %}<ul class="errorlist" id="err-{{ row.procedure.pk }}">{% for error in errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}
              {% for item in row.unusual %}<span class="row-warning{% if item.confirmed %} row-warning--checked{% endif %}"><span aria-hidden="true">⚠</span> {{ item.finding.reason }}{% if item.confirmed %} · {{ item.confirmed_text }}{% else %} · {% translate "chưa ai xác nhận" %}{% endif %}</span>{% endfor %}
              {% for finding in row.pending %}<span class="row-warning row-warning--pending"><span aria-hidden="true">⚠</span> {{ finding.reason }}</span>{% endfor %}
              {% if can_edit and row.asks_tick %}<label class="row-check"><input type="checkbox" name="{{ row.checked_name }}" value="{{ row.tick_value }}"{% if checked.value == row.tick_value %} checked{% endif %}> {% translate "Đã kiểm tra, số liệu đúng" %}<span class="visually-hidden"> ({{ row.procedure.code }})</span></label>{% endif %}
              {% if differs %}<span class="saved-now" id="now-{{ row.procedure.pk }}">{% blocktranslate with total=row.saved_total|blank online=row.saved_online|blank %}Số đang lưu: tổng {{ total }}, trực tuyến {{ online }}{% endblocktranslate %}</span>{% endif %}
            </td>
            <td class="num previous" data-label="{% translate 'Tháng trước' %}">{% if row.previous_total is not None %}{{ row.previous_total|number }} / {{ row.previous_online|number }}{% else %}<span class="muted">—</span>{% endif %}</td>
            {% if can_edit %}
            <td class="num" data-label="{% translate 'Tổng số' %}">
              <label class="visually-hidden" for="{{ total.id_for_label }}">{{ total.label }}</label>
              {{ total }}
            </td>
            <td class="num" data-label="{% translate 'Trực tuyến' %}">
              <label class="visually-hidden" for="{{ online.id_for_label }}">{{ online.label }}</label>
              {{ online }}
            </td>
            {% else %}
            <td class="num" data-label="{% translate 'Tổng số' %}" data-total-value="{{ row.saved_total|default_if_none:'' }}">{{ row.saved_total|blank }}</td>
            <td class="num" data-label="{% translate 'Trực tuyến' %}" data-online-value="{{ row.saved_online|default_if_none:'' }}">{{ row.saved_online|blank }}</td>
            {% endif %}
            <td class="num rate" data-label="{% translate 'Tỷ lệ' %}" data-rate>{{ row.rate|rate }}</td>
          </tr>
          {% endfor %}"""


def normalized(markup: str) -> str:
    """Markup as a browser reads it: runs of white space are one, none between tags nor at the
    start of a cell."""
    markup = re.sub(r"\s+", " ", str(markup))
    markup = re.sub(r"(<td[^>]*>) ", r"\1", markup)
    return re.sub(r">\s+<", "><", re.sub(r"\s+>", ">", markup)).strip()


def rows_in_every_state(unit, staff):
    """A real grid's first rows, each put in a different state: saved and unsaved, with last
    month or without, an error, unusual values confirmed and not, a value waiting for its tick
    (ticked and not), a conflict, a name that needs escaping."""
    grid = build_grid(unit, YEAR, MONTH)
    rows = grid.rows[:9]
    jump = Unusual(field="total", value=1000, expected_max=30, previous=3, rule=JUMP)
    finding = Finding(unit_id=unit.pk, procedure_id=rows[2].procedure.pk, year=YEAR, month=MONTH, unusual=jump)
    check = UnusualCheck(confirmed_by=staff, confirmed_at=datetime(2020, 12, 1, 3, 4, tzinfo=dt_timezone.utc))
    rows[0].saved_total, rows[0].saved_online, rows[0].previous_total, rows[0].previous_online = 1234, 617, 20, 5
    rows[1].saved_total, rows[1].saved_online = 0, 0
    rows[2].saved_total, rows[2].saved_online = 1000, 2
    rows[2].unusual = [Flagged(finding, None)]
    rows[3].saved_total, rows[3].saved_online = 1000, 2
    rows[3].unusual = [Flagged(finding, check), Flagged(finding, None)]
    rows[4].pending = [finding]
    rows[5].pending = [finding]
    rows[6].procedure.name = 'Thủ tục <b>"đặc biệt"</b> & Co'
    rows[6].procedure.field = "Hộ tịch & <i>khác</i>"
    rows[7].saved_total, rows[7].saved_online = 7, None
    data = {"version": "x", f"p{rows[5].procedure.pk}_checked": rows[5].tick_value,
            rows[0].total_name: "1234", rows[0].online_name: "617", rows[8].total_name: "-3", rows[8].online_name: "abc"}
    form = CountGridForm(data, rows=grid.rows)
    form.is_valid()
    paired = [(row, form[row.total_name], form[row.online_name], form.row_errors(row), index in (0, 7),
               form[row.checked_name]) for index, row in enumerate(rows)]
    return paired, {rows[1].procedure.pk, rows[8].procedure.pk}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("can_edit", [True, False])
def test_the_rows_written_in_python_say_what_the_row_template_said(commune_a, staff, language, can_edit):
    rows, changed_ids = rows_in_every_state(commune_a, staff)
    assert any(errors for _row, _total, _online, errors, _differs, _checked in rows)  # the states are really there
    with translation.override(language):
        expected = Template(ROW_TEMPLATE).render(Context({"rows": rows, "changed_ids": changed_ids, "can_edit": can_edit}))
        written = section_rows_html(rows, can_edit=can_edit, changed_ids=changed_ids)
    assert normalized(written) == normalized(expected)
    assert "&lt;b&gt;&quot;đặc biệt&quot;&lt;/b&gt; &amp; Co" in written  # the name is escaped, never markup
    assert ("row-check" in written) is can_edit
