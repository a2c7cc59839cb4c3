from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from submissions.catalog import GuardsLockedFigures, unit_change_error

from .models import District, Person, Unit


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    search_fields = ["code", "name", "province"]


class UnitAdminForm(GuardsLockedFigures, forms.ModelForm):
    change_error = staticmethod(unit_change_error)

    class Meta:
        model = Unit
        fields = "__all__"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ["code", "name", "kind", "district", "is_active", "first_year", "last_year", "sort_order"]
    list_filter = ["district", "kind", "is_active", "last_year"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]


class PersonInline(admin.StackedInline):
    model = Person
    can_delete = False
    autocomplete_fields = ["unit"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["user", "district", "unit"]
    list_filter = ["district", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "district", "unit"]
    autocomplete_fields = ["unit"]


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [PersonInline]
