from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from units import services as unit_services
from units.admin import FoldedSearch, ReadOnly, ServiceWrites

from . import services
from .models import OfficialResult, TargetPolicy, TargetRule


class TargetRuleForm(forms.ModelForm):
    """A rule may not be added to (or moved into) a policy whose year is locked."""

    class Meta:
        model = TargetRule
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        message = services.policy_lock_refusal(cleaned.get("policy"))
        if message:
            raise forms.ValidationError(message)
        return cleaned


class TargetPolicyForm(forms.ModelForm):
    """A new policy may not be made for a district's year that is already locked."""

    class Meta:
        model = TargetPolicy
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        district = cleaned.get("district")
        message = services.lock_refusal(district.pk if district else None, cleaned.get("year"))
        if message:
            raise forms.ValidationError(message)
        return cleaned


class LockedPolicyReadOnly:
    """A policy (or rule) of a locked year is shown read-only, with the lock named; the admin
    defines `policy_of(obj)`."""

    def locked(self, obj) -> str | None:
        return services.policy_lock_refusal(self.policy_of(obj)) if obj is not None else None

    def has_change_permission(self, request, obj=None):
        return not self.locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.locked(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        message = self.locked(obj)
        if message and request.method == "GET":
            messages.warning(request, message + " " + str(services.FROZEN_NOTE))
        return super().change_view(request, object_id, form_url, extra_context)


class TargetRuleInline(admin.TabularInline):
    model = TargetRule
    form = TargetRuleForm
    extra = 0
    autocomplete_fields = ["unit"]

    def has_add_permission(self, request, obj=None):
        return not services.policy_lock_refusal(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not services.policy_lock_refusal(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not services.policy_lock_refusal(obj) and super().has_delete_permission(request, obj)


@admin.register(TargetPolicy)
class TargetPolicyAdmin(FoldedSearch, LockedPolicyReadOnly, ServiceWrites, SimpleHistoryAdmin):
    refusals = (services.PolicyLocked, unit_services.Refused)
    form = TargetPolicyForm
    list_display = ["year", "months", "district", "document_number", "document_date", "title"]
    list_filter = ["district", "year"]
    search_fields = ["document_number", "title"]
    inlines = [TargetRuleInline]

    def policy_of(self, obj):
        return obj

    @admin.display(description=_("tháng áp dụng"))
    def months(self, obj):
        return obj.months_label or _("cả năm")

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
class TargetRuleAdmin(FoldedSearch, LockedPolicyReadOnly, ServiceWrites, SimpleHistoryAdmin):
    refusals = (services.PolicyLocked, unit_services.Refused)
    form = TargetRuleForm
    list_display = ["code", "label", "policy", "unit_kind", "unit", "authority", "measure", "scoring", "target", "points"]
    list_filter = ["policy__year", "policy__district", "measure", "scoring", "unit_kind", "authority"]
    search_fields = ["code", "label"]
    list_select_related = ["policy", "unit"]
    autocomplete_fields = ["unit"]

    def policy_of(self, obj):
        return obj.policy

    def save_through_service(self, obj, *, user):
        services.save_rule(rule=obj, user=user)

    def delete_through_service(self, obj, *, user):
        services.delete_rule(rule=obj, user=user)


@admin.register(OfficialResult)
class OfficialResultAdmin(ReadOnly, admin.ModelAdmin):
    """The official results of locked years: never edited; made by locking (and withdrawn by
    unlocking) a year from the year-end page or `manage.py lock`; `verify_locked` checks them."""

    list_display = ["district", "year", "sha256", "issued_by", "issued_at", "reason", "withdrawn_at", "withdrawn_by"]
    list_filter = ["district", "year"]
    list_select_related = ["district", "issued_by", "withdrawn_by"]
    readonly_fields = ["district", "year", "sha256", "issued_by", "issued_at", "reason", "gaps", "withdrawn_at",
                       "withdrawn_by", "document"]
