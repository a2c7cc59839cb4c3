"""The admin of districts and people. Units are administered from submissions/admin.py, the app
that knows which of their edits would move a locked period's figures."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.core.exceptions import PermissionDenied
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from django.db.models import Q

from dvctt_portal.text import fold, matches, search

from . import services
from .forms import PersonCreationForm
from .models import District, Lineage, Person


class FoldedSearch:
    """Admin search as people type: "tung anh" and "TÙNG ẢNH" find "Xã Tùng Ảnh", on SQLite as on
    PostgreSQL (dvctt_portal.text). The model's own `search_fields` are matched over its rows;
    with `folded_related` ({relation: its fields}) the related tables are searched instead of
    joining a large one (dossier counts are searched by their unit or procedure)."""

    folded_related: dict = {}

    def get_search_results(self, request, queryset, search_term):
        if not fold(search_term):
            return queryset, False
        if not self.folded_related:
            return search(queryset, search_term, tuple(self.search_fields)), False
        condition = Q(pk__in=[])
        for relation, fields in self.folded_related.items():
            related = queryset.model._meta.get_field(relation).related_model
            ids = [row[0] for row in related._default_manager.values_list("pk", *fields) if matches(search_term, *row[1:])]
            condition |= Q(**{f"{relation}__in": ids})
        return queryset.filter(condition), False


class ReadOnly:
    """Admin mixin for records only the portal's own steps write (locks, confirmations, official
    results, exceptions): listed and read, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceWrites:
    """Admin mixin: every save and delete goes through the app's services (the admin is a
    presentation layer like the grid), and rows are deleted one by one, each checked.

    The admin defines `save_through_service(obj, *, user)` and `delete_through_service(obj, *, user)`,
    each calling its service (tests/test_architecture.py checks that every one does)."""

    def save_model(self, request, obj, form, change):
        self.save_through_service(obj, user=request.user)

    # The services' refusals (each carries its Vietnamese `message`); an admin of another app adds its own.
    refusals: tuple = (services.Refused,)

    def delete_model(self, request, obj):
        self._refused_as_forbidden(self.delete_through_service, obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._refused_as_forbidden(self.delete_through_service, obj, user=request.user)

    def _refused_as_forbidden(self, write, obj, *, user):
        """A delete the service refuses (a month locked or approved since the page was shown) is
        answered 403 with the service's message; the transaction leaves everything as it was."""
        try:
            write(obj, user=user)
        except self.refusals as refused:
            raise PermissionDenied(refused.message) from None

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(District)
class DistrictAdmin(FoldedSearch, ServiceWrites, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to", "report_due_day"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "province"]
    fieldsets = [
        (None, {"fields": ["code", "name", "province", ("level", "parent"), ("valid_from", "valid_to"), "report_due_day"]}),
        (_("Văn bản báo cáo năm (thể thức theo Nghị định 30/2020/NĐ-CP)"), {"fields": [
            "place_name", "report_symbol", "recipients", ("preparer_title", "preparer_name"),
            "signer_on_behalf", "signer_capacity", ("signer_title", "signer_name"),
        ]}),
    ]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.units.exists() or obj.people.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def save_through_service(self, obj, *, user):
        services.save_district(district=obj, user=user)

    def delete_through_service(self, obj, *, user):
        services.delete_district(district=obj, user=user)


class PersonInline(admin.StackedInline):
    model = Person
    can_delete = False
    autocomplete_fields = ["unit"]


@admin.register(Person)
class PersonAdmin(FoldedSearch, ServiceWrites, admin.ModelAdmin):
    """People: adding one is a single form — login, name, password, role, unit — written by
    services.create_person (as `add_user` does); changing one changes where they work."""

    list_display = ["user", "full_name", "district", "unit"]
    list_filter = ["district", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "district", "unit"]
    autocomplete_fields = ["unit"]
    add_form = PersonCreationForm
    add_fieldsets = [
        (_("Tài khoản"), {"fields": ["username", "full_name", "email", "password1", "password2"]}),
        (_("Vai trò và nơi làm việc"), {"fields": ["role", "unit", "district"]}),
    ]

    @admin.display(description=_("Họ và tên"))
    def full_name(self, obj):
        return obj.user.get_full_name()

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
            kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return self.save_through_service(obj, user=request.user)
        data = form.cleaned_data
        try:
            person = services.create_person(
                username=data["username"], full_name=data["full_name"], email=data.get("email") or "",
                password=data["password1"], role=data["role"], unit=data.get("unit"), district=data.get("district"),
                user=request.user,
            )
        except services.Refused as refused:
            raise PermissionDenied(refused.message) from None
        obj.pk, obj.user, obj.unit, obj.district = person.pk, person.user, person.unit, person.district
        obj._state.adding = False

    def save_through_service(self, obj, *, user):
        services.save_person(person=obj, user=user)

    def delete_through_service(self, obj, *, user):
        services.delete_person(person=obj, user=user)


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(FoldedSearch, ServiceWrites, UserAdmin):
    """Logins, with where each person works. The password set on the add page is already hashed
    on the instance by Django's form; the save itself goes through the service."""

    inlines = [PersonInline]

    def save_through_service(self, obj, *, user):
        services.save_account(account=obj, user=user)

    def delete_through_service(self, obj, *, user):
        services.delete_account(account=obj, user=user)

    def save_formset(self, request, form, formset, change):
        for person in formset.save(commit=False):
            services.save_person(person=person, user=request.user)


@admin.register(Lineage)
class LineageAdmin(FoldedSearch, ReadOnly, admin.ModelAdmin):
    """Merges, splits and renames are loaded from the official mapping (`import_lineage`, through
    units.services.reorganize, which also ends the old units and opens the new): read here."""

    list_display = ["successor", "predecessor", "kind", "share", "effective_date", "document_number"]
    list_filter = ["kind", "effective_date"]
    list_select_related = ["successor", "predecessor"]
    folded_related = {"successor": ("code", "name"), "predecessor": ("code", "name")}
    search_fields = ["document_number"]
