from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from units import services as unit_services
from units.access import may_lock
from units.admin import FoldedSearch, ReadOnly, ServiceWrites
from units.models import Unit

from .forms import DossierCountAdminForm
from .catalog import GuardsLockedFigures, procedure_change_error, unit_change_error
from .models import (
    CountLock, DerivedMonth, Dossier, DossierCount, DossierImportJob, DossierSourceProfile, EmptyMonth, LockException, MonthComment, MonthReport, Procedure,
    UnusualCheck,
)
from . import services
from .services import CountsRefused, check_empty_month, record_empty_month, remove_empty_month


class ProcedureAdminForm(GuardsLockedFigures, forms.ModelForm):
    change_error = staticmethod(procedure_change_error)

    class Meta:
        model = Procedure
        fields = "__all__"


@admin.register(Procedure)
class ProcedureAdmin(FoldedSearch, ServiceWrites, SimpleHistoryAdmin):
    refusals = (CountsRefused, unit_services.Refused)
    form = ProcedureAdminForm
    list_display = ["code", "name", "field", "authority", "online_level", "department", "first_year", "last_year"]
    list_filter = ["authority", "online_level", "field", "department", "first_year", "last_year"]
    search_fields = ["code", "name", "field"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.dossier_counts.exists():
            return False  # retired with a last year instead
        return super().has_delete_permission(request, obj)

    def save_through_service(self, obj, *, user):
        services.save_procedure(procedure=obj, user=user)

    def delete_through_service(self, obj, *, user):
        services.delete_procedure(procedure=obj, user=user)


class UnitAdminForm(GuardsLockedFigures, forms.ModelForm):
    change_error = staticmethod(unit_change_error)

    class Meta:
        model = Unit
        fields = "__all__"


@admin.register(Unit)
class UnitAdmin(FoldedSearch, ServiceWrites, admin.ModelAdmin):
    refusals = (CountsRefused, unit_services.Refused)
    form = UnitAdminForm
    list_display = ["code", "name", "kind", "district", "is_active", "first_year", "last_year", "sort_order"]
    list_filter = ["district", "kind", "is_active", "last_year"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and unit_services.deletion_refusal(obj):
            return False  # retired with a last year instead
        return super().has_delete_permission(request, obj)

    def save_through_service(self, obj, *, user):
        services.change_unit(unit=obj, user=user)

    def delete_through_service(self, obj, *, user):
        unit_services.delete_unit(unit=obj, user=user)


@admin.register(DossierCount)
class DossierCountAdmin(FoldedSearch, ServiceWrites, SimpleHistoryAdmin):
    """Counts may be corrected here too, through the same service checks as the grid: locked
    months refuse it with who locked them and when, a stale page with who changed it."""
    refusals = (CountsRefused, unit_services.Refused)

    form = DossierCountAdminForm
    list_display = ["unit", "procedure", "year", "month", "total", "online", "updated_by", "updated_at"]
    list_filter = ["year", "month", "unit__kind", "unit__district"]
    search_fields = ["unit__code", "unit__name", "procedure__code", "procedure__name"]
    folded_related = {"unit": ("code", "name"), "procedure": ("code", "name")}
    list_select_related = ["unit", "procedure", "updated_by"]
    autocomplete_fields = ["unit", "procedure"]
    readonly_fields = ["updated_by", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and services.month_write_refusal(obj.unit, obj.year, obj.month) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.save_count(count=obj, version=form.cleaned_data.get("version"), user=request.user,
                            confirm_unusual=form.cleaned_data.get("confirm_unusual", False))

    def delete_through_service(self, obj, *, user):
        services.delete_count(count=obj, user=user)


@admin.register(CountLock)
class CountLockAdmin(SimpleHistoryAdmin):
    list_display = ["district", "year", "month", "locked_by", "locked_at"]
    list_filter = ["district", "year"]
    list_select_related = ["district", "locked_by"]

    def has_add_permission(self, request):
        return False  # locks are made from the entry page or `manage.py lock`, which record who and when

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # unlocking too goes through the entry page or `manage.py unlock`


class EmptyMonthAdminForm(forms.ModelForm):
    """Adding "entered without dossiers" checks what the service checks, and holds the unit's row
    from there (the admin validates and saves in one transaction): the save cannot then be refused."""

    class Meta:
        model = EmptyMonth
        fields = ["unit", "year", "month"]

    def clean(self):
        cleaned = super().clean()
        unit, year, month = cleaned.get("unit"), cleaned.get("year"), cleaned.get("month")
        if unit is not None and year and month:
            try:
                check_empty_month(unit=unit, year=year, month=month)
            except CountsRefused as refused:
                raise forms.ValidationError(refused.message) from None
        return cleaned


@admin.register(EmptyMonth)
class EmptyMonthAdmin(FoldedSearch, ServiceWrites, SimpleHistoryAdmin):
    """Months recorded as entered without dossiers: added and taken back through the services,
    so a locked month refuses both and each is in the history."""
    refusals = (CountsRefused, unit_services.Refused)

    form = EmptyMonthAdminForm
    list_display = ["unit", "year", "month", "confirmed_by", "confirmed_at"]
    list_filter = ["year", "month", "unit__kind"]
    search_fields = ["unit__code", "unit__name"]
    folded_related = {"unit": ("code", "name")}
    list_select_related = ["unit", "confirmed_by"]
    autocomplete_fields = ["unit"]

    def has_change_permission(self, request, obj=None):
        return False  # a month is added or taken back, never moved to another month

    def has_delete_permission(self, request, obj=None):
        if obj is not None and services.month_write_refusal(obj.unit, obj.year, obj.month) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = record_empty_month(unit=obj.unit, year=obj.year, month=obj.month, user=request.user)
        obj.pk, obj.confirmed_by, obj.confirmed_at = saved.pk, saved.confirmed_by, saved.confirmed_at

    def delete_through_service(self, obj, *, user):
        remove_empty_month(empty_month=obj, user=user)


@admin.register(MonthReport)
class MonthReportAdmin(FoldedSearch, ReadOnly, SimpleHistoryAdmin):
    """Who confirmed and approved which unit-month: read here, with its history. Transitions are
    made from the grid's buttons (or the actions below), through the services, never by editing."""

    list_display = ["unit", "year", "month", "confirmed_by", "confirmed_at", "confirmed_on_behalf", "approved_by",
                    "approved_at", "note"]
    list_filter = ["year", "month", "confirmed_on_behalf", "unit__district"]
    list_select_related = ["unit", "confirmed_by", "approved_by"]
    search_fields = ["unit__code", "unit__name"]
    folded_related = {"unit": ("code", "name")}
    actions = ["approve_selected"]

    @admin.action(description=_("Phê duyệt các tháng đã chọn (đã được đơn vị xác nhận)"), permissions=["view"])
    def approve_selected(self, request, queryset):
        if not may_lock(request.user):
            self.message_user(request, _("Chỉ Cơ quan Tổ chức - Nội vụ được phê duyệt."), messages.ERROR)
            return
        approved = 0
        for report in queryset.select_related("unit"):
            try:
                services.approve_month(unit=report.unit, year=report.year, month=report.month, user=request.user)
            except CountsRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
            else:
                approved += 1
        self.message_user(request, _("Đã phê duyệt %(count)s tháng.") % {"count": approved}, messages.SUCCESS)


@admin.register(LockException)
class LockExceptionAdmin(ReadOnly, SimpleHistoryAdmin):
    """Lock exceptions, read here with their history; granted and revoked on the year's exceptions
    page (Home Affairs), through the services, so that the locked result is re-issued when one closes."""

    list_display = ["unit", "year", "month", "reason", "expires_on", "granted_by", "granted_at", "revoked_at", "closed_at"]
    list_filter = ["year", "month", "unit__district"]
    list_select_related = ["unit", "granted_by"]


@admin.register(MonthComment)
class MonthCommentAdmin(FoldedSearch, ReadOnly, SimpleHistoryAdmin):
    """Notes on unit-months, read here with their history; written from the grid's panel."""

    list_display = ["unit", "year", "month", "text", "author", "created_at"]
    list_filter = ["year", "month", "unit__district"]
    list_select_related = ["unit", "author"]
    search_fields = ["unit__code", "unit__name", "text"]


@admin.register(UnusualCheck)
class UnusualCheckAdmin(FoldedSearch, ReadOnly, admin.ModelAdmin):
    """Who confirmed which unusual value: kept by the services with the value, read here."""

    list_display = ["unit", "year", "month", "procedure", "field", "value", "confirmed_by", "confirmed_at", "how"]
    list_filter = ["year", "field", "how", "unit__district"]
    search_fields = ["unit__code", "unit__name", "procedure__code"]
    list_select_related = ["unit", "procedure", "confirmed_by"]


@admin.register(Dossier)
class DossierAdmin(FoldedSearch, ReadOnly, SimpleHistoryAdmin):
    """The dossier register, as the one-stop lists gave it (import_dossiers writes it): read here."""

    list_display = ["code", "source", "procedure", "unit", "commune", "received_on", "channel"]
    list_filter = ["source", "channel", "received_on"]
    list_select_related = ["procedure", "unit", "commune"]
    search_fields = ["code", "source"]
    date_hierarchy = "received_on"


@admin.register(DerivedMonth)
class DerivedMonthAdmin(FoldedSearch, ReadOnly, SimpleHistoryAdmin):
    """The unit-months whose counts come from the dossier list."""

    list_display = ["unit", "year", "month", "source", "derived_at", "derived_by"]
    list_filter = ["year", "source"]
    list_select_related = ["unit", "derived_by"]
    folded_related = {"unit": ("code", "name")}
    search_fields = ["source"]


@admin.register(DossierSourceProfile)
class DossierSourceProfileAdmin(ReadOnly, SimpleHistoryAdmin):
    """How each source names its columns, saved from the dossier import's mapping step."""

    list_display = ["source", "updated_at", "updated_by"]
    search_fields = ["source"]


@admin.register(DossierImportJob)
class DossierImportJobAdmin(ReadOnly, admin.ModelAdmin):
    """The dossier lists uploaded and their background jobs (submissions.dossiers writes them)."""

    list_display = ["filename", "source", "created_by", "created_at", "step", "status", "rows_read", "rows_total"]
    list_filter = ["step", "status"]
    search_fields = ["filename", "source"]
