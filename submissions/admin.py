from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DossierCount, Procedure


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "field", "authority", "online_level", "department", "first_year", "last_year"]
    list_filter = ["authority", "online_level", "field", "department", "first_year", "last_year"]
    search_fields = ["code", "name", "field"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]


@admin.register(DossierCount)
class DossierCountAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "procedure", "year", "month", "total", "online", "updated_by", "updated_at"]
    list_filter = ["year", "month", "unit__kind", "unit__district"]
    search_fields = ["unit__code", "unit__name", "procedure__code", "procedure__name"]
    list_select_related = ["unit", "procedure", "updated_by"]
    autocomplete_fields = ["unit", "procedure"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
