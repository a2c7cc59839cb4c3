from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import in_year_q, period_label, period_of, periods_overlap, validate_code


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Huyện, thị xã, thành phố thuộc tỉnh")


class District(models.Model):
    """An administration that sets targets for the units under it: a province, or a district while
    the district level existed (until 30/6/2025). Its units are its departments and communes; a
    district's parent is its province. (The class keeps its first name, "District": the district
    was the only administration of the 2020 letter.)"""

    code = models.CharField(_("mã"), max_length=20, unique=True, validators=[validate_code])
    name = models.CharField(_("tên"), max_length=200)
    province = models.CharField(_("tỉnh"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("thuộc tỉnh"), limit_choices_to={"level": Level.PROVINCE},
    )
    valid_from = models.DateField(_("có hiệu lực từ ngày"), null=True, blank=True,
                                  help_text=_("Để trống nếu có từ trước khi dùng hệ thống."))
    valid_to = models.DateField(_("hết hiệu lực sau ngày"), null=True, blank=True,
                                help_text=_("Ngày cuối cùng tồn tại (như 30/6/2025 với cấp huyện); để trống nếu còn."))
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
        verbose_name = _("tỉnh, huyện")
        verbose_name_plural = _("tỉnh, huyện (cấp chính quyền)")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.level == Level.PROVINCE and self.parent_id:
            errors["parent"] = _("Tỉnh không thuộc tỉnh nào khác.")
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("Một cấp chính quyền không thể thuộc chính nó.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Ngày hết hiệu lực không được trước ngày có hiệu lực.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_province(self) -> bool:
        return self.level == Level.PROVINCE

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


PROVINCE_KIND_LABELS = {UnitKind.DEPARTMENT: _("Sở, ban, ngành cấp tỉnh"), UnitKind.COMMUNE: _("Xã, phường")}


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_year(self, year: int):
        """Units that existed in that year (rules.in_year_q)."""
        return self.filter(in_year_q(year))

    def with_code(self, code: str, *, year: int | None = None, month: int | None = None):
        """The unit that code names — on that month when given (18229 in 2020 is Thị trấn Đức Thọ,
        in 2026 Xã Đức Thọ), else the latest one; None when there is none. One query."""
        from .rules import unit_exists_in_month

        units = sorted(self.filter(code=code), key=lambda unit: (unit.first_year or 0, unit.first_month or 1))
        if year is not None:
            months = [month] if month else range(1, 13)
            units = [unit for unit in units if any(unit_exists_in_month(unit, year, each) for each in months)]
        return units[-1] if units else None

    def visible_to(self, user):
        """Every unit this person may see in detail (units.access.visible_units)."""
        from .access import visible_units  # access reads these models

        return visible_units(user, self)


class Unit(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="units", verbose_name=_("huyện"))
    # A code names a unit only with its period: 18229 is Thị trấn Đức Thọ until 30/6/2025 and Xã
    # Đức Thọ from 1/7/2025 (units.rules.periods_overlap keeps two units of one code apart).
    code = models.CharField(_("mã đơn vị"), max_length=32, db_index=True, validators=[validate_code])
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
        if not errors and self.code:
            errors.update(self._code_clash())
        if errors:
            raise ValidationError(errors)

    def _code_clash(self) -> dict:
        """Another unit with this code in an overlapping period: a code names one unit at a time."""
        others = Unit.objects.filter(code=self.code).exclude(pk=self.pk)
        for other in others.only("name", "first_year", "first_month", "last_year", "last_month", "is_active"):
            if periods_overlap(period_of(self), period_of(other)):
                return {"code": _("Mã %(code)s đang là mã của %(name)s trong cùng thời gian: một mã chỉ gọi một "
                                  "đơn vị tại một thời điểm (ghi thời gian hoạt động để dùng lại mã).")
                        % {"code": self.code, "name": other.name}}
        return {}

    @property
    def period_label(self) -> str:
        return period_label(period_of(self))

    @property
    def kind_label(self) -> str:
        """What the unit is, in its administration's words: a district's "Phòng, ban cấp huyện",
        a province's "Sở, ban, ngành" (and "Xã, phường" for its communes)."""
        if self.district.is_province:
            return str(PROVINCE_KIND_LABELS[self.kind])
        return self.get_kind_display()

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


class LineageKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập (nhiều đơn vị thành một)")
    SPLIT = "split", _("Chia tách (một đơn vị thành nhiều)")
    RENAME = "rename", _("Đổi tên, đổi mã hoặc chuyển cấp quản lý")


class Lineage(models.Model):
    """One link from a unit to the unit that continued it: a merge (several predecessors, one
    successor), a split (one predecessor, several successors, each with its share of the
    predecessor's figures) or a rename. Nothing is moved or deleted: each unit keeps its own
    counts, and a successor's trend before the change is its predecessors' figures summed
    (targets.trends). Written only by units.services.record_lineage."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links",
                                    verbose_name=_("đơn vị trước"))
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links",
                                  verbose_name=_("đơn vị sau"))
    kind = models.CharField(_("hình thức"), max_length=10, choices=LineageKind.choices)
    share = models.DecimalField(
        _("phần số liệu chuyển sang"), max_digits=5, decimal_places=4, default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Khi chia tách: phần (0–1) số liệu của đơn vị trước được tính cho đơn vị sau này."),
    )
    effective_date = models.DateField(_("có hiệu lực từ ngày"))
    document_number = models.CharField(_("số văn bản"), max_length=100)
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    document_title = models.CharField(_("trích yếu"), max_length=500, blank=True)

    class Meta:
        ordering = ["effective_date", "successor__code", "predecessor__code"]
        verbose_name = _("sắp xếp đơn vị (sáp nhập, chia tách, đổi tên)")
        verbose_name_plural = _("sắp xếp đơn vị (sáp nhập, chia tách, đổi tên)")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_link_per_pair"),
            models.CheckConstraint(condition=models.Q(share__gt=0, share__lte=1), name="lineage_share_0_to_1"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")), name="lineage_not_itself"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"
