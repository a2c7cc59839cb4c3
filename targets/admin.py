from django.contrib import admin

from units.admin import ServiceWrites

from . import services
from .models import TargetPolicy, TargetRule


class TargetRuleInline(admin.TabularInline):
    model = TargetRule
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(TargetPolicy)
class TargetPolicyAdmin(ServiceWrites, admin.ModelAdmin):
    list_display = ["year", "district", "document_number", "document_date", "title"]
    list_filter = ["district", "year"]
    search_fields = ["document_number", "title"]
    inlines = [TargetRuleInline]

    def save_through_service(self, obj, *, user):
        services.save_policy(policy=obj, user=user)

    def delete_through_service(self, obj, *, user):
        services.delete_policy(policy=obj, user=user)

    def save_formset(self, request, form, formset, change):
        """The inline rules, each through the service."""
        for rule in formset.save(commit=False):
            services.save_rule(rule=rule, user=request.user)
        for rule in formset.deleted_objects:
            services.delete_rule(rule=rule, user=request.user)


@admin.register(TargetRule)
class TargetRuleAdmin(ServiceWrites, admin.ModelAdmin):
    list_display = ["code", "label", "policy", "unit_kind", "unit", "authority", "measure", "target", "points"]
    list_filter = ["policy__year", "policy__district", "measure", "unit_kind", "authority"]
    search_fields = ["code", "label"]
    list_select_related = ["policy", "unit"]
    autocomplete_fields = ["unit"]

    def save_through_service(self, obj, *, user):
        services.save_rule(rule=obj, user=user)

    def delete_through_service(self, obj, *, user):
        services.delete_rule(rule=obj, user=user)
