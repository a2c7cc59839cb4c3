"""The portal's form renderer writes selects and inputs in Python (dvctt_portal.forms_renderer,
issue 20): every widget must come out exactly as Django's own templates write it."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from dvctt_portal.forms_renderer import PortalFormRenderer

HOSTILE = '"><script>alert(1)</script>&amp;'


class RadioLikeSelect(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


WIDGETS = [
    (forms.TextInput(), "name", None, None),
    (forms.TextInput(attrs={"class": "a b", "required": True, "disabled": False, "maxlength": 20}), "q", HOSTILE, {"id": "id_q"}),
    (forms.TextInput(), "safe", mark_safe("<b>kept</b>"), {"aria-label": gettext_lazy("Năm")}),
    (forms.NumberInput(attrs={"min": 0, "step": "any"}), "n", 12, None),
    (forms.HiddenInput(), "version", "12-3", None),
    (forms.PasswordInput(render_value=True), "password", "bí mật", None),
    (forms.DateInput(), "on", datetime.date(2020, 9, 30), None),
    (forms.EmailInput(), "email", "a@b.vn", None),
    (forms.Select(choices=[("", "---------"), (2020, "2020"), (2021, "2021")]), "year", 2020, {"id": "id_year"}),
    (forms.Select(choices=[(1, gettext_lazy("Tháng 1")), ("x", HOSTILE), ("<v>", mark_safe("<i>safe</i>"))]), "m", "<v>", None),
    (forms.Select(choices=[("Xã", [(1, "Đức Thọ"), (2, "Tùng Ảnh")]), ("Phòng", [(3, "Nội vụ")]), (4, "Khác")]),
     "unit", 3, {"class": "wide", "data-x": HOSTILE}),
    (forms.SelectMultiple(choices=[(1, "một"), (2, "hai"), (3, "ba")]), "many", [1, 3], None),
    (forms.NullBooleanSelect(), "flag", None, None),
    (forms.Select(choices=[]), "empty", None, None),
    (RadioLikeSelect(choices=[(1, "một")]), "other", 1, None),  # another option template: Django writes it
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("widget, name, value, attrs", WIDGETS)
def test_each_widget_is_written_byte_for_byte_as_djangos_templates_write_it(widget, name, value, attrs, language):
    with translation.override(language):
        expected = widget.render(name, value, attrs, renderer=DjangoTemplates())
        written = widget.render(name, value, attrs, renderer=PortalFormRenderer())
    assert written == expected


def test_the_portal_uses_this_renderer_for_every_form():
    assert settings.FORM_RENDERER == "dvctt_portal.forms_renderer.PortalFormRenderer"


def test_a_whole_form_still_renders_its_other_templates_through_django():
    class PeriodLike(forms.Form):
        year = forms.ChoiceField(choices=[(2020, "2020")], label=gettext_lazy("Năm"))
        note = forms.CharField(widget=forms.Textarea, required=False)

    form = PeriodLike(data={"year": "2020", "note": HOSTILE})
    assert str(form.render(renderer=PortalFormRenderer())) == str(form.render(renderer=DjangoTemplates()))


def test_what_a_person_typed_is_escaped_each_time_and_never_kept_in_memory():
    from dvctt_portal import forms_renderer

    widget = forms.TextInput(attrs={"class": "count-input"})
    widget.render("p1_total", "1", None, renderer=PortalFormRenderer())  # the portal's own texts are now kept
    kept = forms_renderer._remembered.cache_info().currsize
    written = widget.render("p1_total", "<b>một nghìn</b> 42", None, renderer=PortalFormRenderer())
    assert "&lt;b&gt;một nghìn&lt;/b&gt;" in written
    assert forms_renderer._remembered.cache_info().currsize == kept
