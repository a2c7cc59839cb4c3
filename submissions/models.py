from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from datetime import datetime, time, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Unit, UnitKind

from . import rules
from .rules import TARGET_MIN_LEVEL


class Authority(models.TextChoices):
    PROVINCE = "province", _("Thẩm quyền cấp tỉnh")
    DISTRICT = "district", _("Thẩm quyền cấp huyện")
    COMMUNE = "commune", _("Thẩm quyền cấp xã")


class OnlineLevel(models.IntegerChoices):
    LEVEL_2 = 2, _("Mức độ 2 (thông tin, biểu mẫu)")
    LEVEL_3 = 3, _("Mức độ 3 (một phần)")
    LEVEL_4 = 4, _("Mức độ 4 (toàn trình)")


# How Decree 42/2022/NĐ-CP names the levels that count.
LEVEL_SHORT_NAMES = {
    2: _("Cung cấp thông tin"),
    3: _("Một phần"),
    4: _("Toàn trình"),
}


class ProcedureQuerySet(models.QuerySet):
    def offered_in(self, year: int):
        """Procedures in the catalog in that year (rules.is_offered)."""
        return self.filter(rules.offered_q(year))

    def online(self, min_level: int = TARGET_MIN_LEVEL):
        return self.filter(online_level__gte=min_level)

    def for_entry(self, unit: Unit, year: int):
        """The level 3/4 procedures a unit reports on in that year (rules.reporting_q)."""
        offered = self.offered_in(year).online().select_related("department")
        return offered.filter(rules.reporting_q(unit_kind=unit.kind, unit_id=unit.pk, unit_district_id=unit.district_id))


class OfDistricts(models.Lookup):
    """`department__of_districts=[district ids]`: the procedure's department is a unit of one of
    these districts, written without a join so that, beside `department IS NULL`, both are read
    from the index on the department. PostgreSQL answers `= ANY(ARRAY(subquery))` from that index
    (a bitmap OR of the two), where `IN (subquery)` or a join with the units would scan every
    procedure of the country (39 ms → 0.5 ms for one district's grid at 700 districts, bench/);
    SQLite answers `IN (subquery)` from the index itself."""

    lookup_name = "of_districts"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(district_id) for district_id in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # no district: the condition matches nothing (and the OR keeps its other half)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        units = models.Subquery(Unit.objects.filter(district_id__in=self.rhs).order_by().values("pk"))
        units_sql, units_params = compiler.compile(units.resolve_expression(compiler.query))  # "(SELECT …)"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{units_sql})", [*lhs_params, *units_params]
        return f"{lhs} IN {units_sql}", [*lhs_params, *units_params]


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.CharField(_("lĩnh vực"), max_length=200)
    authority = models.CharField(_("thẩm quyền"), max_length=20, choices=Authority.choices)
    online_level = models.PositiveSmallIntegerField(_("mức độ trực tuyến"), choices=OnlineLevel.choices)
    department = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_procedures",
        limit_choices_to={"kind": UnitKind.DEPARTMENT},
        verbose_name=_("phòng, ban giải quyết"),
        help_text=_("Bắt buộc với thủ tục thẩm quyền cấp huyện; để trống với thủ tục cấp xã."),
    )
    first_year = models.PositiveSmallIntegerField(
        _("áp dụng từ năm"), validators=[MinValueValidator(rules.FIRST_YEAR), MaxValueValidator(rules.LAST_YEAR)]
    )
    last_year = models.PositiveSmallIntegerField(
        _("áp dụng đến năm"),
        null=True,
        blank=True,
        validators=[MinValueValidator(rules.FIRST_YEAR), MaxValueValidator(rules.LAST_YEAR)],
        help_text=_("Để trống nếu thủ tục vẫn đang cung cấp."),
    )

    objects = ProcedureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["authority", "field", "code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        # The few procedures below level 3 are found from it: what a sum over levels 3 and 4 leaves
        # out, without reading the country's catalog (targets.trends).
        indexes = [models.Index(fields=["online_level"], name="procedure_online_level")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authority__in=["province", "district"], department__isnull=False)
                | models.Q(authority="commune", department__isnull=True),
                name="procedure_department_matches_authority",
            ),
            models.CheckConstraint(
                condition=models.Q(online_level__gte=2, online_level__lte=4), name="procedure_online_level_2_to_4"
            ),
            models.CheckConstraint(
                condition=models.Q(last_year__isnull=True) | models.Q(last_year__gte=models.F("first_year")),
                name="procedure_years_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def level_short_name(self):
        return LEVEL_SHORT_NAMES[self.online_level]

    def clean(self):
        errors = {}
        if self.authority == Authority.DISTRICT and not self.department_id:
            errors["department"] = _("Thủ tục thẩm quyền cấp huyện phải có phòng, ban giải quyết.")
        if self.authority == Authority.PROVINCE and not self.department_id:
            errors["department"] = _("Thủ tục thẩm quyền cấp tỉnh phải có sở, ban, ngành giải quyết.")
        if self.authority == Authority.COMMUNE and self.department_id:
            errors["department"] = _("Thủ tục thẩm quyền cấp xã không gắn với phòng, ban cấp huyện.")
        if self.department_id and self.department.kind != UnitKind.DEPARTMENT:
            errors["department"] = _("Đơn vị giải quyết phải là một phòng, ban cấp huyện.")
        elif self.department_id and self.authority in (Authority.PROVINCE, Authority.DISTRICT):
            level = self.department.district.level
            if level != self.authority:
                errors["authority"] = _("Thẩm quyền của thủ tục phải cùng cấp với đơn vị giải quyết (%(unit)s).") % {
                    "unit": self.department.name}
        if self.last_year is not None and self.first_year is not None and self.last_year < self.first_year:
            errors["last_year"] = _("Năm kết thúc không được trước năm bắt đầu áp dụng.")
        if errors:
            raise ValidationError(errors)


def pair_error(unit: Unit, procedure: Procedure):
    """Why this unit may not report dossiers of this procedure, or None (rules.reporting_error)."""
    return rules.reporting_error(
        unit_kind=unit.kind, unit_id=unit.pk, unit_name=unit.name, unit_district_id=unit.district_id,
        procedure_code=procedure.code, procedure_authority=procedure.authority,
        procedure_department_id=procedure.department_id,
        department_district_id=procedure.department.district_id if procedure.department_id else None,
    )


Procedure._meta.get_field("department").register_lookup(OfDistricts)


class DossierCount(models.Model):
    """Dossiers of one procedure received by (or, for C1, filed online from) one unit in one month."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dossier_counts", verbose_name=_("đơn vị"))
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossier_counts", verbose_name=_("thủ tục")
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(rules.FIRST_YEAR), MaxValueValidator(rules.LAST_YEAR)])
    month = models.PositiveSmallIntegerField(_("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    total = models.PositiveIntegerField(_("tổng số hồ sơ tiếp nhận"))
    online = models.PositiveIntegerField(_("trong đó trực tuyến"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cập nhật bởi"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit_id", "year", "month", "procedure_id"]  # no joins: plain queries stay on this table
        verbose_name = _("số liệu hồ sơ")
        verbose_name_plural = _("số liệu hồ sơ")
        permissions = [
            ("lock_counts", _("Khóa, mở khóa số liệu theo năm, tháng")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "procedure", "year", "month"], name="dossiercount_one_row_per_unit_procedure_month"
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0, online__gte=0), name="dossiercount_not_negative"),
            models.CheckConstraint(condition=models.Q(online__lte=models.F("total")), name="dossiercount_online_le_total"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="dossiercount_month_1_to_12"),
        ]
        indexes = [
            # The progress query (targets.progress.scoped_sums) and the dashboards' month and
            # procedure sums read a unit's months of a year: with every column they read in the
            # index, PostgreSQL and SQLite answer from the index alone (bench/RESULTS.md).
            models.Index(fields=["year", "unit", "month", "procedure", "online", "total"], name="dossiercount_progress"),
        ]

    def __str__(self):
        return f"{self.unit.code} · {self.procedure.code} · {self.month:02d}/{self.year}"

    def clean(self):
        errors = {}
        if self.online is not None and self.total is not None and rules.online_exceeds_total(self.total, self.online):
            errors["online"] = rules.online_over_total_message(self.total, self.online)
        if self.unit_id and self.procedure_id:
            message = pair_error(self.unit, self.procedure)
            if message:
                errors["procedure"] = message
            elif self.year and not rules.is_offered(self.procedure.first_year, self.procedure.last_year, self.year):
                errors["procedure"] = _("Thủ tục %(procedure)s không được cung cấp trong năm %(year)s.") % {
                    "procedure": self.procedure.code,
                    "year": self.year,
                }
        if errors:
            raise ValidationError(errors)


class ChangeReason(models.TextChoices):
    """How a count was changed; kept as the history record's change reason."""

    GRID = "grid", _("Nhập trên lưới")
    UPLOAD = "upload", _("Tải tệp lên")
    COMMAND = "command", _("Dòng lệnh")
    ADMIN = "admin", _("Trang quản trị")
    DOSSIERS = "dossiers", _("Từ danh sách hồ sơ")


class CountLock(models.Model):
    """A locked year (month empty) or month of one district: its counts refuse every change.

    Unlocking deletes the lock; the history table keeps who locked and unlocked, and when.
    """

    district = models.ForeignKey(
        "units.District", on_delete=models.PROTECT, related_name="count_locks", verbose_name=_("huyện")
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(rules.FIRST_YEAR), MaxValueValidator(rules.LAST_YEAR)])
    month = models.PositiveSmallIntegerField(
        _("tháng"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Để trống để khóa cả năm."),
    )
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người khóa"),
    )
    locked_at = models.DateTimeField(_("khóa lúc"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "year", "month"]
        verbose_name = _("khóa số liệu")
        verbose_name_plural = _("khóa số liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "month"],
                condition=models.Q(month__isnull=False),
                name="countlock_one_per_month",
            ),
            models.UniqueConstraint(
                fields=["district", "year"], condition=models.Q(month__isnull=True), name="countlock_one_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="countlock_month_1_to_12",
            ),
        ]

    def __str__(self):
        if self.month is None:
            return _("Năm %(year)s") % {"year": self.year}
        return _("Tháng %(month)s/%(year)s") % {"month": self.month, "year": self.year}


class EmptyMonth(models.Model):
    """A unit-month saved with no dossiers at all: it counts as entered ("0"), not as missing."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="empty_months", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("xác nhận bởi"),
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tháng không phát sinh hồ sơ")
        verbose_name_plural = _("tháng không phát sinh hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="empty_month_once_per_unit_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="empty_month_1_to_12"),
        ]

    def __str__(self):
        return f"{self.unit.code} · {self.month:02d}/{self.year}"


class MonthTransition(models.TextChoices):
    """What happened to a unit-month's report; kept as its history record's change reason."""

    CONFIRM = "confirm", _("Xác nhận số liệu")
    APPROVE = "approve", _("Phê duyệt")
    UNAPPROVE = "unapprove", _("Hủy phê duyệt")
    REOPEN = "reopen", _("Số liệu thay đổi sau khi xác nhận: trở lại “đã nhập”")


class MonthReport(models.Model):
    """Where a unit-month stands beyond its figures: vouched for by the unit (confirmed: by its
    head, or by district staff on its behalf) and accepted by the district (approved).

    Written only by submissions.services; every transition is in the history, with who and why
    (`note`: the reason given, or what changed a confirmed month).
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="month_reports", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(rules.FIRST_YEAR), MaxValueValidator(rules.LAST_YEAR)])
    month = models.PositiveSmallIntegerField(_("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("xác nhận bởi"),
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    confirmed_on_behalf = models.BooleanField(_("cán bộ xác nhận thay đơn vị"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("phê duyệt bởi"),
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    note = models.CharField(_("lý do"), max_length=500, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("xác nhận, phê duyệt số liệu tháng")
        verbose_name_plural = _("xác nhận, phê duyệt số liệu tháng")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="month_report_once_per_unit_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="month_report_1_to_12"),
            models.CheckConstraint(
                condition=models.Q(approved_at__isnull=True) | models.Q(confirmed_at__isnull=False),
                name="month_report_approved_only_when_confirmed",
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} · {self.month:02d}/{self.year}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class LockException(models.Model):
    """A locked month reopened for one unit, with a reason, until an expiry date (inclusive):
    its counts may be changed meanwhile. It closes by itself when it expires, or when Home Affairs
    revokes it; the changes made under it are the unit-month's history between `granted_at` and
    its end. Written only by the services (submissions.services, targets.services)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="lock_exceptions", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(rules.FIRST_YEAR), MaxValueValidator(rules.LAST_YEAR)])
    month = models.PositiveSmallIntegerField(_("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    reason = models.CharField(_("lý do"), max_length=500)
    expires_on = models.DateField(_("hết hạn sau ngày"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("người mở"),
    )
    granted_at = models.DateTimeField(_("mở lúc"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("người thu hồi"),
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("đóng lúc"), null=True, blank=True,
        help_text=_("Khi ngoại lệ hết hạn hoặc bị thu hồi và kết quả chính thức của năm đã được lập lại."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("ngoại lệ khóa")
        verbose_name_plural = _("ngoại lệ khóa")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "month"], condition=models.Q(closed_at__isnull=True),
                name="lock_exception_one_open_per_unit_month",
            ),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="lock_exception_month_1_to_12"),
        ]

    def __str__(self):
        return f"{self.unit.code} · {self.month:02d}/{self.year}"

    def is_open(self, today) -> bool:
        return self.revoked_at is None and self.closed_at is None and today <= self.expires_on

    @property
    def ended_at(self):
        """When changes under it stop being possible: revoked, or the end of its last day."""
        if self.revoked_at is not None:
            return self.revoked_at
        return timezone.make_aware(datetime.combine(self.expires_on + timedelta(days=1), time.min))


class MonthComment(models.Model):
    """A note on a unit-month ("Tháng 6 bộ phận một cửa tạm dừng do sáp nhập"): shown on the grid,
    the completeness page and the month's history. Written only by submissions.services."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="month_comments", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(rules.FIRST_YEAR), MaxValueValidator(rules.LAST_YEAR)])
    month = models.PositiveSmallIntegerField(_("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    text = models.CharField(_("ghi chú"), max_length=1000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("người ghi"))
    created_at = models.DateTimeField(_("ghi lúc"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "month", "created_at"]
        verbose_name = _("ghi chú tháng")
        verbose_name_plural = _("ghi chú tháng")
        constraints = [
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="month_comment_1_to_12"),
        ]

    def __str__(self):
        return f"{self.unit.code} · {self.month:02d}/{self.year}: {self.text[:40]}"


class UnusualCheck(models.Model):
    """A person's word that an unusual value (submissions.plausibility) is right, kept with the
    value it vouches for: a later, different value needs its own. Of one procedure's total or
    online in a unit-month, or (procedure empty) of the unit-month as a whole. Written only by
    submissions.services, in the same transaction as the value; never changed afterwards."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="unusual_checks", verbose_name=_("đơn vị"))
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                  verbose_name=_("thủ tục"))
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(rules.FIRST_YEAR), MaxValueValidator(rules.LAST_YEAR)])
    month = models.PositiveSmallIntegerField(_("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    field = models.CharField(_("số liệu"), max_length=10, choices=[("total", _("tổng số")), ("online", _("trực tuyến"))])
    value = models.PositiveIntegerField(_("giá trị"))
    reason = models.CharField(_("cảnh báo"), max_length=300)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("xác nhận bởi"))
    confirmed_at = models.DateTimeField(_("xác nhận lúc"))
    how = models.CharField(_("cách nhập"), max_length=20, choices=ChangeReason.choices)

    class Meta:
        ordering = ["unit_id", "year", "month", "procedure_id", "field", "-confirmed_at"]
        verbose_name = _("xác nhận giá trị bất thường")
        verbose_name_plural = _("xác nhận giá trị bất thường")
        indexes = [models.Index(fields=["unit", "year", "month"], name="unusual_check_unit_month")]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="unusual_check_1_to_12"),
        ]

    def __str__(self):
        return f"{self.unit.code} · {self.month:02d}/{self.year} · {self.field} = {self.value}"


class Channel(models.TextChoices):
    """How a dossier was filed, as the national index counts it (online 2, in person 1, postal 3)."""

    ONLINE = "online", _("Trực tuyến")
    IN_PERSON = "in_person", _("Trực tiếp")
    POSTAL = "postal", _("Bưu chính công ích")


class Dossier(models.Model):
    """One filed dossier as a one-stop system listed it — and nothing about the person who filed
    it (Decree 13/2023/NĐ-CP): no name, ID number, phone or address is ever stored.

    `unit` is the unit whose count it is (a commune for commune procedures, the handling
    department otherwise); `commune` the commune whose people filed it (địa bàn), which also
    counts it for its C1-type rule. Written only by submissions.dossiers.import_dossiers, which
    derives the monthly counts from it."""

    source = models.CharField(_("hệ thống nguồn"), max_length=100)
    code = models.CharField(_("mã hồ sơ"), max_length=100)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers",
                                  verbose_name=_("thủ tục"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("đơn vị tính số liệu"))
    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="area_dossiers",
                                verbose_name=_("xã, phường (địa bàn)"))
    received_on = models.DateField(_("ngày tiếp nhận"))
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)
    result_on = models.DateField(_("ngày trả kết quả"), null=True, blank=True)
    result_electronic = models.BooleanField(_("trả kết quả điện tử"), null=True, blank=True)
    imported_at = models.DateTimeField(_("nhập lúc"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "code"]
        verbose_name = _("hồ sơ (từ danh sách của hệ thống một cửa)")
        verbose_name_plural = _("hồ sơ (từ danh sách của hệ thống một cửa)")
        constraints = [models.UniqueConstraint(fields=["source", "code"], name="one_dossier_per_source_code")]
        indexes = [models.Index(fields=["unit", "received_on"]), models.Index(fields=["commune", "received_on"])]

    def __str__(self):
        return f"{self.source} · {self.code}"


class DerivedMonth(models.Model):
    """A unit-month whose counts come from the dossier list, not from typing: the grid shows them
    read only. Written by submissions.dossiers; a unit-month has one source at a time."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="derived_months", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"))
    source = models.CharField(_("hệ thống nguồn"), max_length=100)
    derived_at = models.DateTimeField(_("tính lúc"))
    derived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người nhập"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "year", "month"]
        verbose_name = _("tháng lấy số liệu từ danh sách hồ sơ")
        verbose_name_plural = _("tháng lấy số liệu từ danh sách hồ sơ")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "month"], name="one_source_per_unit_month")]

    def __str__(self):
        return f"{self.unit.code} · {self.month:02d}/{self.year} · {self.source}"


class DossierSourceProfile(models.Model):
    """How one source system names its columns, when its headers are not the usual ones: saved
    from the mapping step of the dossier import, used for every later list of that source."""

    source = models.CharField(_("hệ thống nguồn"), max_length=100, unique=True)
    columns = models.JSONField(_("cột (tiêu đề → dữ liệu)"), default=dict)
    updated_at = models.DateTimeField(_("cập nhật lúc"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người cập nhật"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["source"]
        verbose_name = _("cách đọc danh sách của một hệ thống")
        verbose_name_plural = _("cách đọc danh sách của các hệ thống")

    def __str__(self):
        return self.source


class DossierImportJob(models.Model):
    """One upload of a dossier list, read and imported in the background (a province's list of
    500,000 rows takes minutes): first checked (the preview), then — once the person confirms —
    imported; each step's progress and outcome are kept here for the page that follows it. The
    file waits in DVCTT_UPLOAD_DIR until it is imported or refused, then is deleted. Written only
    by submissions.dossiers."""

    class Step(models.TextChoices):
        PREVIEW = "preview", _("kiểm tra")
        IMPORT = "import", _("nhập")

    class Status(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang chạy")
        DONE = "done", _("xong")
        REFUSED = "refused", _("bị từ chối")
        FAILED = "failed", _("lỗi hệ thống")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("người tải lên"))
    created_at = models.DateTimeField(_("tải lên lúc"))
    source = models.CharField(_("hệ thống nguồn"), max_length=100)
    filename = models.CharField(_("tên tệp"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(_("tệp lưu tạm"), max_length=100, blank=True)  # "" once deleted
    take_over_typed = models.BooleanField(_("chuyển tháng nhập tay sang danh sách"), default=False)
    confirm_unusual = models.BooleanField(_("đã xác nhận số bất thường"), default=False)
    step = models.CharField(_("bước"), max_length=10, choices=Step.choices, default=Step.PREVIEW)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(_("số dòng đã đọc"), default=0)
    rows_total = models.PositiveIntegerField(_("số dòng của tệp"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    outcome = models.JSONField(_("kết quả"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lượt nhập danh sách hồ sơ")
        verbose_name_plural = _("các lượt nhập danh sách hồ sơ")

    def __str__(self):
        return f"{self.filename} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def percent(self) -> int | None:
        """How far the reading is, 0–100 (None while the file's length is not known)."""
        if not self.rows_total:
            return None
        return min(100, self.rows_read * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)

    STALLED_AFTER = timedelta(hours=2)  # a province's list takes minutes; hours mean its worker stopped

    @property
    def stalled(self) -> bool:
        """Waiting or running far longer than any list takes: its worker was stopped (a restart)."""
        return not self.finished and (self.started_at or self.created_at) < timezone.now() - self.STALLED_AFTER
