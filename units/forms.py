from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Person
from .roles import ROLE_LABELS, Role
from .services import split_full_name


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: phân biệt chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ quản trị hệ thống."),
    }


class PortalPasswordChangeForm(PasswordChangeForm):
    """Changing one's password: the current password is checked as a login is (django-axes), so
    this form is no way around the login's throttling. Wrong tries count with the login's; once
    locked out, even the right password is refused until the wait is over."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old_password) is None:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PersonCreationForm(forms.ModelForm):
    """The admin's one form for a new person: login, name, e-mail, password, role and where they
    work (services.create_person writes it all, as `add_user` does)."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               validators=[UnicodeUsernameValidator()],
                               help_text=_("Chữ, số và các dấu @ . + - _; không dấu cách."))
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, help_text=_("Như “Lê Minh Quân”."))
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             help_text=_("Để nhận nhắc hạn báo cáo; có thể để trống."))
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    role = forms.ChoiceField(label=_("Vai trò"), choices=[(role, label) for role, label in ROLE_LABELS.items()])

    class Meta:
        model = Person
        fields = ["unit", "district"]
        help_texts = {
            "unit": _("Bắt buộc với thủ trưởng đơn vị; cán bộ huyện và Cơ quan Nội vụ để trống."),
            "district": _("Huyện nơi làm việc (theo đơn vị nếu đã chọn đơn vị)."),
        }

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
        elif first:
            probe = get_user_model()(username=cleaned.get("username") or "", email=cleaned.get("email") or "")
            probe.first_name, probe.last_name = split_full_name(cleaned.get("full_name") or "")
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        if cleaned.get("role") == Role.UNIT_HEAD and not cleaned.get("unit"):
            self.add_error("unit", _("Thủ trưởng đơn vị phải gắn với một đơn vị."))
        if not cleaned.get("unit") and not cleaned.get("district") and cleaned.get("role") != Role.ADMIN:
            self.add_error("district", _("Chọn huyện (hoặc đơn vị) nơi người này làm việc."))
        return cleaned
