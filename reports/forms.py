"""Forms of the report pages that write: the year-end gate."""

from django import forms
from django.utils.translation import gettext_lazy as _


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
