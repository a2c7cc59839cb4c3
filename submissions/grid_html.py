"""The entry grid's rows written out in Python (issue 20).

A commune's grid has some 240 rows; rendering each through the template language was more than
half of the page's time, on every GET and after every save. `section_rows_html` gives the same
markup the row template gave (templates/submissions/entry_grid.html kept the table around it;
submissions/tests/test_grid_html.py compares the two, row state by row state). Every text is
escaped here, every string goes through gettext with the same msgid the template used.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dvctt_portal.figures import format_number, format_rate
from dvctt_portal.text import fold


class _Words:
    """The row's fixed texts, translated once per grid, not once per row."""

    def __init__(self):
        self.changed = escape(_("vừa thay đổi"))
        self.unconfirmed = escape(_("chưa ai xác nhận"))
        self.checked = escape(_("Đã kiểm tra, số liệu đúng"))
        self.previous = escape(_("Tháng trước"))
        self.total = escape(_("Tổng số"))
        self.online = escape(_("Trực tuyến"))
        self.rate = escape(_("Tỷ lệ"))


def _warnings(row, words: _Words) -> str:
    parts = []
    for item in row.unusual:
        state = " row-warning--checked" if item.confirmed else ""
        after = escape(item.confirmed_text) if item.confirmed else words.unconfirmed
        parts.append(f'<span class="row-warning{state}"><span aria-hidden="true">⚠</span> '
                     f'{escape(str(item.finding.reason))} · {after}</span>')
    for finding in row.pending:
        parts.append('<span class="row-warning row-warning--pending"><span aria-hidden="true">⚠</span> '
                     f'{escape(str(finding.reason))}</span>')
    return "".join(parts)


def _input_cell(label: str, field) -> str:
    return (f'<td class="num" data-label="{label}">'
            f'<label class="visually-hidden" for="{escape(field.id_for_label)}">{escape(str(field.label))}</label>'
            f"{field}</td>")


def row_html(row, total, online, errors, differs, checked, *, can_edit: bool, changed_ids, words: _Words) -> str:
    """One procedure's <tr>: code, name (with its field, level, badges, errors, warnings, tick),
    last month, the two counts (inputs when the person may enter, the saved figures otherwise)
    and the rate."""
    procedure = row.procedure
    pk = procedure.pk
    is_changed = pk in changed_ids
    classes = "entry-row" + (" has-error" if errors else "") + (" is-changed" if is_changed else "") + (
        " is-conflict" if differs else "")
    search = f"{procedure.code} {fold(procedure.name)} {fold(procedure.field)}"
    name = [escape(procedure.name),
            f'<span class="entry-row__field">{escape(procedure.field)} · {escape(str(procedure.level_short_name))}</span>']
    if is_changed:
        name.append(f'<span class="entry-row__badge">{words.changed}</span>')
    if errors:
        name.append(f'<ul class="errorlist" id="err-{pk}">' + "".join(f"<li>{escape(str(error))}</li>" for error in errors) + "</ul>")
    name.append(_warnings(row, words))
    if can_edit and row.asks_tick:
        tick_value = row.tick_value
        ticked = " checked" if checked.value() == tick_value else ""
        name.append(f'<label class="row-check"><input type="checkbox" name="{escape(row.checked_name)}" '
                    f'value="{escape(tick_value)}"{ticked}> {words.checked}'
                    f'<span class="visually-hidden"> ({escape(procedure.code)})</span></label>')
    if differs:
        saved = _("Số đang lưu: tổng %(total)s, trực tuyến %(online)s") % {
            "total": format_number(row.saved_total), "online": format_number(row.saved_online)}
        name.append(f'<span class="saved-now" id="now-{pk}">{escape(saved)}</span>')
    if row.previous_total is not None:
        previous = f"{escape(format_number(row.previous_total, empty=''))} / {escape(format_number(row.previous_online, empty=''))}"
    else:
        previous = '<span class="muted">—</span>'
    if can_edit:
        counts = _input_cell(words.total, total) + _input_cell(words.online, online)
    else:
        saved_total = "" if row.saved_total is None else row.saved_total
        saved_online = "" if row.saved_online is None else row.saved_online
        counts = (f'<td class="num" data-label="{words.total}" data-total-value="{saved_total}">{escape(format_number(row.saved_total))}</td>'
                  f'<td class="num" data-label="{words.online}" data-online-value="{saved_online}">{escape(format_number(row.saved_online))}</td>')
    return (f'<tr id="row-{pk}" class="{classes}" data-row data-search="{escape(search)}">'
            f'<td class="code">{escape(procedure.code)}</td>'
            f'<td class="entry-row__name">{" ".join(name)}</td>'
            f'<td class="num previous" data-label="{words.previous}">{previous}</td>'
            f"{counts}"
            f'<td class="num rate" data-label="{words.rate}" data-rate>{escape(format_rate(row.rate))}</td></tr>')


def section_rows_html(rows, *, can_edit: bool, changed_ids) -> SafeString:
    """The <tbody> content of one section: `rows` are (row, total field, online field, errors,
    differs, checked field) as the view pairs them."""
    words = _Words()
    changed_ids = set(changed_ids or ())
    return mark_safe("\n".join(row_html(*each, can_edit=can_edit, changed_ids=changed_ids, words=words) for each in rows))
