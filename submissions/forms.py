"""Forms of the entry pages; they carry the validation, in Vietnamese, row by row."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import get_language, gettext_lazy

from dvctt_portal.forms_renderer import input_html


from .grid import GridRow, ticked_figures
from .models import DossierCount
from . import rules
from .rules import MAX_COUNT
from .services import CountsRefused, UnusualNotConfirmed, check_count_change
from .versions import month_version

NEGATIVE_NUMBER = re.compile(r"-\s*[0-9]+([.,][0-9]*)?")
MAX_INPUT_LENGTH = 20


class CountInput(forms.TextInput):
    """A text input written out in Python (dvctt_portal.forms_renderer.input_html), byte for byte
    what Django's input.html and attrs.html give, without going through the renderer: a grid has
    240 of them (issue 20)."""

    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe(input_html(self.get_context(name, value, attrs)["widget"]))


class CountField(forms.Field):
    """A number of dossiers typed by a person: blank, or a whole number from 0 to MAX_COUNT."""

    widget = CountInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "class": "count-input", "maxlength": MAX_INPUT_LENGTH}
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None:
            return None
        text = str(value).strip()
        if text == "":
            return None
        if len(text) > MAX_INPUT_LENGTH:
            raise ValidationError(_("Hãy nhập một số nguyên."), code="invalid")
        if NEGATIVE_NUMBER.fullmatch(text):
            raise ValidationError(_("Số hồ sơ không được âm."), code="negative")
        number = rules.typed_whole_number(text, comma_groups=not (get_language() or "vi").startswith("vi"))
        if number is None:
            raise ValidationError(
                _("“%(value)s” không phải số nguyên; hãy nhập số hồ sơ (có thể viết 1.000 hay 12 345), không có phần "
                  "thập phân hay chữ.") % {"value": text[:MAX_INPUT_LENGTH]},
                code="invalid",
            )
        if number > MAX_COUNT:
            raise ValidationError(
                _("Số quá lớn: tối đa %(max)s hồ sơ một tháng.") % {"max": f"{MAX_COUNT:,}".replace(",", ".")},
                code="max_value",
            )
        return number


MONTH_CHECKED = "month_checked"


class CountGridForm(forms.Form):
    """Total and online dossiers of every row of a unit-month, and the version that was shown."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64, required=True)

    def __init__(self, *args, rows: list[GridRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            code = row.procedure.code
            self.fields[row.total_name] = CountField(
                label=_("Tổng số hồ sơ, thủ tục %(code)s") % {"code": code}, initial=row.saved_total
            )
            self.fields[row.online_name] = CountField(
                label=_("Trong đó trực tuyến, thủ tục %(code)s") % {"code": code}, initial=row.saved_online
            )
            self.fields[row.total_name].widget.attrs["data-total"] = True  # the grid's script finds its inputs so
            self.fields[row.online_name].widget.attrs["data-online"] = True
            # A tick sends back the figures it vouches for ("total:1000"), not just "on".
            self.fields[row.checked_name] = forms.CharField(required=False, max_length=200)
        self.fields[MONTH_CHECKED] = forms.CharField(required=False, max_length=200)
        self.fields["version"].error_messages["required"] = _(
            "Trang nhập liệu thiếu thông tin phiên bản — hãy tải lại trang."
        )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            if row.total_name in self.errors or row.online_name in self.errors:
                continue
            total = cleaned.get(row.total_name) or 0
            online = cleaned.get(row.online_name) or 0
            if rules.online_exceeds_total(total, online):
                self.add_error(row.online_name, rules.online_over_total_message(total, online))
        return cleaned

    def full_clean(self):
        """Validate, then mark each input in error: it points to its row's one list of errors
        (id err-<procedure>), as the grid shows them (Django adds aria-invalid itself)."""
        super().full_clean()
        for row in self.rows:
            for name in (row.total_name, row.online_name):
                if name in self.errors:
                    attrs = self.fields[name].widget.attrs
                    attrs["aria-describedby"] = f"err-{row.procedure.pk}"
                    attrs["class"] = "count-input is-invalid"

    def values(self) -> dict:
        """{procedure: (total, online)} for every row; a blank input counts as 0."""
        return {
            row.procedure: (self.cleaned_data.get(row.total_name) or 0, self.cleaned_data.get(row.online_name) or 0)
            for row in self.rows
        }

    def confirmed(self) -> frozenset:
        """The flagged figures ticked "Đã kiểm tra, số liệu đúng": (procedure id, or None for the month
        as a whole; field; value), for services.save_month."""
        ticked = set()
        for row in self.rows:
            ticked |= ticked_figures(row.procedure.pk, self.cleaned_data.get(row.checked_name))
        ticked |= ticked_figures(None, self.cleaned_data.get(MONTH_CHECKED))
        return frozenset(ticked)

    def row_errors(self, row: GridRow) -> list[str]:
        return [*self.errors.get(row.total_name, []), *self.errors.get(row.online_name, [])]

    def error_count(self) -> int:
        return sum(len(errors) for name, errors in self.errors.items() if name != "__all__")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp số liệu (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.DVCTT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
                % {"size": _megabytes(upload.size), "limit": _megabytes(limit)}
            )
        return upload


class DossierUploadForm(UploadForm):
    """A one-stop system's dossier list, the system it comes from, and whether typed months move."""

    source = forms.CharField(label=gettext_lazy("Hệ thống nguồn"), max_length=100,
                             help_text=gettext_lazy("Như “Một cửa huyện Đức Thọ”: mã hồ sơ là duy nhất trong một hệ thống."))
    take_over_typed = forms.BooleanField(
        label=gettext_lazy("Chuyển các tháng đang nhập tay sang lấy số liệu từ danh sách này"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("Danh sách hồ sơ (.xlsx hoặc .csv)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.DVCTT_MAX_DOSSIER_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(_("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
                                  % {"size": _megabytes(upload.size), "limit": _megabytes(limit)})
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        return upload


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


class MonthActionForm(forms.Form):
    """The confirmation step of a unit-month's transition; unapproving needs a reason."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if not reason_required:
            del self.fields["reason"]


class LockForm(forms.Form):
    year = forms.IntegerField(min_value=rules.FIRST_YEAR, max_value=rules.LAST_YEAR)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)


class DossierCountAdminForm(forms.ModelForm):
    """The admin's form: refuses what the grid refuses (services.check_count_change), with the
    lock's or the last change's message; the month's version travels with the page."""

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    confirm_unusual = forms.BooleanField(
        label=gettext_lazy("Đã kiểm tra, số liệu đúng"), required=False,
        help_text=gettext_lazy("Đánh dấu khi số liệu khác xa các tháng trước của đơn vị nhưng đúng."),
    )

    class Meta:
        model = DossierCount
        fields = ["unit", "procedure", "year", "month", "total", "online"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            instance = self.instance
            self.fields["version"].initial = month_version(instance.unit_id, instance.year, instance.month)

    def clean(self):
        cleaned = super().clean()
        names = ("unit", "procedure", "year", "month", "total", "online")
        if any(cleaned.get(name) is None for name in names):
            return cleaned  # the fields' own errors are shown first
        count = DossierCount(pk=self.instance.pk, **{name: cleaned[name] for name in names})
        old = self.instance if self.instance.pk else None
        try:
            # The admin validates and saves in one transaction: the units' rows stay held until the save.
            with transaction.atomic():
                check_count_change(count=count, old=old, version=cleaned.get("version"),
                                   confirm_unusual=cleaned.get("confirm_unusual", False))
        except UnusualNotConfirmed as refused:
            raise ValidationError([refused.message, *(finding.reason for finding in refused.findings)]) from None
        except CountsRefused as refused:
            raise ValidationError(refused.message) from None
        return cleaned
