from django.contrib import admin

from .models import TargetPolicy, TargetRule


class TargetRuleInline(admin.TabularInline):
    model = TargetRule
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(TargetPolicy)
class TargetPolicyAdmin(admin.ModelAdmin):
    list_display = ["year", "district", "document_number", "document_date", "title"]
    list_filter = ["district", "year"]
    search_fields = ["document_number", "title"]
    inlines = [TargetRuleInline]


@admin.register(TargetRule)
class TargetRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "policy", "unit_kind", "unit", "authority", "measure", "target", "points"]
    list_filter = ["policy__year", "policy__district", "measure", "unit_kind", "authority"]
    search_fields = ["code", "label"]
    list_select_related = ["policy", "unit"]
    autocomplete_fields = ["unit"]
