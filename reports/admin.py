from django.contrib import admin

from units.admin import FoldedSearch, ReadOnly

from .models import ReminderLog


@admin.register(ReminderLog)
class ReminderLogAdmin(FoldedSearch, ReadOnly, admin.ModelAdmin):
    """The reminders sent (`send_reminders`): to whom, about which unit and months, on which day."""

    list_display = ["sent_at", "kind", "email", "unit", "months"]
    list_filter = ["kind", "sent_on", "district"]
    search_fields = ["email", "unit__code", "unit__name"]
    list_select_related = ["unit"]
