from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .models import District, Person, Unit


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    search_fields = ["code", "name", "province"]


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = "__all__"

    def _post_clean(self):
        from submissions.catalog import unit_change_error

        super()._post_clean()  # the instance now holds the edited values
        if self.instance.pk and not self.errors:
            message = unit_change_error(Unit.objects.get(pk=self.instance.pk), self.instance)
            if message:
                self.add_error(None, message)


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
