from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import in_year_q, validate_code


class District(models.Model):
    code = models.CharField(_("mã"), max_length=20, unique=True, validators=[validate_code])
    name = models.CharField(_("tên"), max_length=200)
    province = models.CharField(_("tỉnh"), max_length=200)
    report_due_day = models.PositiveSmallIntegerField(
        _("hạn báo cáo tháng (ngày của tháng sau)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Số liệu của một tháng phải được đơn vị xác nhận chậm nhất vào ngày này của tháng sau (1–28)."),
    )
    # How the year-end documents are signed (Decree 30/2020/NĐ-CP's presentation of a report).
    place_name = models.CharField(
        _("địa danh ghi ngày tháng"), max_length=100, blank=True,
        help_text=_("Như “Đức Thọ” trong “Đức Thọ, ngày … tháng … năm …”; để trống thì lấy theo tên huyện."),
    )
    report_symbol = models.CharField(_("ký hiệu văn bản báo cáo"), max_length=30, default="BC-UBND",
                                     help_text=_("Phần sau dấu “/” của dòng “Số: …/BC-UBND”."))
    recipients = models.TextField(_("nơi nhận"), default="- Như trên;\n- Lưu: VT.",
                                  help_text=_("Mỗi dòng một nơi nhận, như trên văn bản."))
    preparer_title = models.CharField(_("chức danh người lập biểu"), max_length=100, default="NGƯỜI LẬP BIỂU")
    preparer_name = models.CharField(_("họ tên người lập biểu"), max_length=100, blank=True)
    signer_on_behalf = models.CharField(_("thẩm quyền ký (TM.)"), max_length=100, default="TM. ỦY BAN NHÂN DÂN",
                                        blank=True)
    signer_capacity = models.CharField(_("ký thay (KT.)"), max_length=100, default="KT. CHỦ TỊCH", blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="PHÓ CHỦ TỊCH")
    signer_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")

    def __str__(self):
        return self.name

    @property
    def place(self) -> str:
        """Where its documents are dated: the place name set, or its name without "Huyện"."""
        if self.place_name:
            return self.place_name
        for prefix in ("Huyện ", "Thị xã ", "Thành phố ", "Quận "):
            if self.name.startswith(prefix):
                return self.name[len(prefix):]
        return self.name


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Phòng, ban cấp huyện")
    COMMUNE = "commune", _("Xã, thị trấn")


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_year(self, year: int):
        """Units that existed in that year (rules.in_year_q)."""
        return self.filter(in_year_q(year))

    def visible_to(self, user):
        """Every unit this person may see in detail (units.access.visible_units)."""
        from .access import visible_units  # access reads these models

        return visible_units(user, self)


class Unit(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="units", verbose_name=_("huyện"))
    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True, validators=[validate_code])
    name = models.CharField(_("tên đơn vị"), max_length=200)
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    first_year = models.PositiveSmallIntegerField(
        _("hoạt động từ năm"), null=True, blank=True, help_text=_("Để trống nếu đơn vị có từ trước khi dùng hệ thống.")
    )
    last_year = models.PositiveSmallIntegerField(
        _("hoạt động đến năm"),
        null=True,
        blank=True,
        help_text=_("Năm cuối cùng đơn vị được chấm chỉ tiêu (sáp nhập, giải thể); bắt buộc khi đơn vị ngừng hoạt động."),
    )

    first_month = models.PositiveSmallIntegerField(
        _("từ tháng"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Tháng đơn vị bắt đầu hoạt động trong năm bắt đầu (để trống: cả năm)."),
    )
    last_month = models.PositiveSmallIntegerField(
        _("đến tháng"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Tháng cuối cùng đơn vị hoạt động trong năm kết thúc (sáp nhập, giải thể giữa năm; để trống: cả năm)."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["district__code", "kind", "sort_order", "code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        permissions = [
            ("view_all_units", _("Xem số liệu của mọi đơn vị trong huyện")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["department", "commune"]), name="unit_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if not self.is_active and self.last_year is None:
            errors["last_year"] = _(
                "Đơn vị ngừng hoạt động phải ghi năm cuối cùng hoạt động, để báo cáo các năm trước vẫn giữ nguyên."
            )
        if self.first_year and self.last_year and self.last_year < self.first_year:
            errors["last_year"] = _("Năm kết thúc không được trước năm bắt đầu hoạt động.")
        if self.first_month and not self.first_year:
            errors["first_month"] = _("Ghi tháng bắt đầu thì phải ghi năm bắt đầu hoạt động.")
        if self.last_month and not self.last_year:
            errors["last_month"] = _("Ghi tháng kết thúc thì phải ghi năm cuối cùng hoạt động.")
        if (self.first_year and self.first_year == self.last_year and self.first_month and self.last_month
                and self.last_month < self.first_month):
            errors["last_month"] = _("Tháng kết thúc không được trước tháng bắt đầu hoạt động.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_commune(self) -> bool:
        return self.kind == UnitKind.COMMUNE

    @property
    def is_department(self) -> bool:
        return self.kind == UnitKind.DEPARTMENT


class Person(models.Model):
    """Links a login to where the person works: a unit, or the district office (unit empty)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person", verbose_name=_("tài khoản")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("huyện")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("đơn vị")
    )

    class Meta:
        # Not "người dùng": that is the logins' menu (django.contrib.auth); this one is the people.
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ (vai trò, nơi làm việc)")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
