"""Forms of the report pages that write: the year-end gate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .periods import MONTH_CHOICES


class YearLockForm(forms.Form):
    """Locking a year: the reason is needed when the year is not ready (targets.services.lock_year decides)."""

    reason = forms.CharField(
        label=_("Lý do khóa khi số liệu chưa sẵn sàng"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Được in trên trang chấm điểm và trong bảng chấm điểm, cùng danh sách những điểm chưa sẵn sàng."),
    )


class CompletenessForm(forms.Form):
    """`?through=` of the completeness page (blank: the last month due)."""

    through = forms.TypedChoiceField(
        label=_("Đến hết tháng"), choices=[("", "—")] + [(month, str(month)) for month in range(1, 13)],
        coerce=int, empty_value=None, required=False,
        error_messages={"invalid_choice": _("Tháng phải từ 1 đến 12 (nhận được “%(value)s”).")},
    )


class LockExceptionForm(forms.Form):
    """Reopen a locked month: for one unit, or for every unit late with it."""

    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=None, required=False, empty_label=_("— chọn một đơn vị —"))
    all_late = forms.BooleanField(label=_("Hoặc: mọi đơn vị còn thiếu hay chưa xác nhận tháng này"), required=False)
    month = forms.TypedChoiceField(label=_("Tháng"), choices=MONTH_CHOICES, coerce=int)
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    expires_on = forms.DateField(
        label=_("Hết hạn sau ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Ngoại lệ tự đóng sau ngày này; tối đa 90 ngày."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("unit")) == bool(cleaned.get("all_late")):
            raise forms.ValidationError(_("Chọn một đơn vị, hoặc đánh dấu “mọi đơn vị còn thiếu” — một trong hai."))
        return cleaned
