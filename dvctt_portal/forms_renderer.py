"""Django's form renderer, with its two most used widget templates written in Python (issue 20).

Every <select> (the period forms, the overview's filters) rendered each option through
`select_option.html` and `attrs.html`, and every <input> through `input.html` and `attrs.html`;
on a report page that was a tenth of the time. `PortalFormRenderer` writes those templates' exact
output itself (dvctt_portal/tests/test_forms_renderer.py compares it with Django's own, for
options, groups, selection, attributes and escaping) and leaves every other template to Django.
"""

import functools
import html

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# Django's input templates are each `{% include "django/forms/widgets/input.html" %}` (the renderer
# strips the white space around what a template gives).
INPUT_TEMPLATES = {f"django/forms/widgets/{name}.html" for name in (
    "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel", "color")}
SELECT_TEMPLATE = "django/forms/widgets/select.html"


@functools.lru_cache(maxsize=4096)
def _remembered(text: str) -> str:
    return html.escape(text)


def _escaped(value) -> str:
    """conditional_escape; the portal's own short texts (names, ids, classes — a grid repeats them
    240 times) are escaped once per process."""
    if type(value) is str and len(value) <= 200:
        return _remembered(value)
    return conditional_escape(value)


def _formatted(value, *, typed: bool = False) -> str:
    """`{{ value|stringformat:'s' }}`: "%s" % value, escaped unless it was already safe; what a
    person typed (`typed`) is escaped each time, never remembered."""
    text = "%s" % (value,)
    if isinstance(value, SafeData):
        return mark_safe(text)
    return conditional_escape(text) if typed else _escaped(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_formatted(value)}"')
    return "".join(parts)


def input_html(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = f' value="{_formatted(widget["value"], typed=True)}"' if widget["value"] is not None else ""
    return f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def select_html(widget: dict) -> str | None:
    """django/forms/widgets/select.html with select_option.html; None when an option has another
    template (Django renders it then)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _group_index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{conditional_escape(option["label"])}</option>\n')  # the included template's newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PortalFormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: selects and inputs in Python, everything else as Django does."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in INPUT_TEMPLATES:
                return input_html(widget)
            if template_name == SELECT_TEMPLATE:
                written = select_html(widget)
                if written is not None:
                    return written
        return super().render(template_name, context, request)
