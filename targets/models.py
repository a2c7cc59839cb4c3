from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from submissions.models import Authority, OnlineLevel
from units.models import District, Unit, UnitKind


class TargetPolicy(models.Model):
    """The targets an administration (a district; a province) set for one year or part of it — the
    months first_month–last_month — and the document that set them. They apply to the units under
    that administration in those months: in 2025 the district's policy for January–June, the
    province's for July–December."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="policies",
                                 verbose_name=_("cấp ban hành (tỉnh, huyện)"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    first_month = models.PositiveSmallIntegerField(_("áp dụng từ tháng"), default=1,
                                                   validators=[MinValueValidator(1), MaxValueValidator(12)])
    last_month = models.PositiveSmallIntegerField(_("đến tháng"), default=12,
                                                  validators=[MinValueValidator(1), MaxValueValidator(12)])
    document_number = models.CharField(_("số văn bản"), max_length=100)
    document_date = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["district__code", "-year"]
        verbose_name = _("chính sách chỉ tiêu")
        verbose_name_plural = _("chính sách chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="one_policy_per_district_year")]
        permissions = [("export_scoring", _("Tải bảng chấm điểm thi đua cuối năm"))]

    def __str__(self):
        return f"{self.year} — {self.document_number}"

    def clean(self):
        if self.first_month and self.last_month and self.last_month < self.first_month:
            raise ValidationError({"last_month": _("Tháng kết thúc không được trước tháng bắt đầu áp dụng.")})

    @property
    def is_whole_year(self) -> bool:
        return self.first_month == 1 and self.last_month == 12

    @property
    def months_label(self) -> str:
        """"" for the whole year; else "tháng 7–12"."""
        if self.is_whole_year:
            return ""
        return _("tháng %(first)s–%(last)s") % {"first": self.first_month, "last": self.last_month}


class Measure(models.TextChoices):
    COUNT = "count", _("Số hồ sơ trực tuyến")
    RATE = "rate", _("Tỷ lệ hồ sơ trực tuyến (%)")
    COVERAGE = "coverage", _("Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ trực tuyến (%)")
    CATALOG_SHARE = "catalog_share", _("Tỷ lệ thủ tục cung cấp dịch vụ công trực tuyến (%)")


class Scoring(models.TextChoices):
    DEDUCT = "deduct", _("Trừ điểm khi không đạt")
    PROPORTIONAL = "proportional", _("Tính điểm theo tỷ lệ đạt được (Quyết định 766)")


class TargetRule(models.Model):
    """One quota: which units, which procedures, what is measured, the target and the points at stake."""

    policy = models.ForeignKey(TargetPolicy, on_delete=models.CASCADE, related_name="rules", verbose_name=_("chính sách"))
    code = models.CharField(_("mã chỉ tiêu"), max_length=20)
    label = models.CharField(_("nội dung chỉ tiêu"), max_length=500)
    unit_kind = models.CharField(
        _("áp dụng cho loại đơn vị"), max_length=20, choices=UnitKind.choices, blank=True, default=""
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="target_rules",
        verbose_name=_("hoặc áp dụng riêng cho đơn vị"),
    )
    authority = models.CharField(_("thủ tục thuộc thẩm quyền"), max_length=20, choices=Authority.choices)
    min_online_level = models.PositiveSmallIntegerField(
        _("mức độ trực tuyến tối thiểu"), choices=OnlineLevel.choices, default=OnlineLevel.LEVEL_3
    )
    own_procedures_only = models.BooleanField(
        _("chỉ thủ tục do chính đơn vị giải quyết"),
        default=False,
        help_text=_("Với phòng, ban: chỉ tính các thủ tục mà đơn vị là nơi giải quyết."),
    )
    measure = models.CharField(_("cách đo"), max_length=20, choices=Measure.choices)
    scoring = models.CharField(
        _("cách tính điểm"), max_length=20, choices=Scoring.choices, default=Scoring.DEDUCT,
        help_text=_("Trừ điểm: mất số điểm của chỉ tiêu khi không đạt. Theo tỷ lệ: được số điểm × min(1, kết quả ÷ chỉ tiêu)."),
    )
    target = models.DecimalField(
        _("chỉ tiêu"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Số hồ sơ (cách đo theo số) hoặc phần trăm (các cách đo theo tỷ lệ)."),
    )
    points = models.DecimalField(
        _("điểm của chỉ tiêu"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Trừ điểm: số điểm bị trừ khi không đạt. Theo tỷ lệ: số điểm tối đa, được đủ khi đạt chỉ tiêu."),
    )
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "sort_order", "code"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="rule_code_unique_in_policy"),
            models.CheckConstraint(
                condition=(models.Q(unit_kind="") & models.Q(unit__isnull=False))
                | (~models.Q(unit_kind="") & models.Q(unit__isnull=True)),
                name="rule_applies_to_kind_or_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(measure="count") | models.Q(target__lte=100), name="rule_percent_at_most_100"
            ),
            models.CheckConstraint(condition=models.Q(target__gte=0, points__gte=0), name="rule_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} — {self.label}"

    def clean(self):
        errors = {}
        if bool(self.unit_kind) == bool(self.unit_id):
            errors["unit_kind"] = _("Chọn đúng một trong hai: loại đơn vị, hoặc một đơn vị cụ thể.")
        if self.measure != Measure.COUNT and self.target is not None and self.target > 100:
            errors["target"] = _("Chỉ tiêu tỷ lệ không được vượt quá 100 %.")
        if self.measure == Measure.COUNT and self.target is not None and self.target != self.target.to_integral_value():
            errors["target"] = _("Chỉ tiêu theo số hồ sơ phải là số nguyên.")
        if self.unit_id and self.policy_id and self.unit.district_id != self.policy.district_id:
            errors["unit"] = _("Đơn vị không thuộc cấp ban hành chính sách này.")
        if errors:
            raise ValidationError(errors)

    def applies_to(self, unit: Unit) -> bool:
        if self.unit_id:
            return self.unit_id == unit.pk
        return self.unit_kind == unit.kind


class OfficialResult(models.Model):
    """The official result of a locked year: the document `progress --format json --through 12`
    gave when Home Affairs locked it, with its SHA-256, who locked it, why (when the year was not
    ready) and what was not ready. Never changed: unlocking withdraws it (`withdrawn_at`), locking
    again issues a new one; the year-end page and workbook of a locked year are made from it.
    Written only by targets.services.lock_year and unlock_year."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="official_results", verbose_name=_("huyện"))
    year = models.PositiveSmallIntegerField(_("năm"))
    document = models.TextField(_("văn bản kết quả (JSON)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người khóa")
    )
    issued_at = models.DateTimeField(_("khóa lúc"))
    reason = models.TextField(_("lý do khóa khi số liệu chưa sẵn sàng"), blank=True, default="")
    gaps = models.JSONField(_("những điểm chưa sẵn sàng khi khóa"), default=list, blank=True)
    withdrawn_at = models.DateTimeField(_("thu hồi lúc (mở khóa)"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người mở khóa")
    )
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("lập lại thay cho kết quả"),
        help_text=_("Kết quả được lập lại khi một ngoại lệ khóa đóng: kết quả cũ vẫn giữ, có mã băm riêng."),
    )

    class Meta:
        ordering = ["district", "year", "-issued_at"]
        verbose_name = _("kết quả chính thức đã khóa")
        verbose_name_plural = _("kết quả chính thức đã khóa")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], condition=models.Q(withdrawn_at__isnull=True), name="one_standing_result_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.district} {self.year} · {self.sha256[:12]}"

    @property
    def short_hash(self) -> str:
        return self.sha256[:16]
