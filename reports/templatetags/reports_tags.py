"""Figures as people read them: rates "25,0 %", counts "1.234", targets, statuses."""

from django import template

from dvctt_portal.figures import format_change, format_number

from .. import wording

register = template.Library()


@register.filter
def rate_of(figures):
    """The rate of anything with online and total (or cumulative) sums: "20,8 %"."""
    if hasattr(figures, "cumulative_total"):
        return wording.rate_text(figures.cumulative_online, figures.cumulative_total)
    return wording.rate_text(figures.online, figures.total)


@register.filter
def value_text(progress):
    """A rule's value as people read it (reports.wording.value_text)."""
    return wording.value_text(progress)


@register.filter
def number(value):
    return format_number(value)


@register.filter
def overall(entry):
    """A unit's situation in one word (its worst status)."""
    return wording.overall_status(entry)


@register.filter
def change(value):
    """A change of rate in percentage points: "+3,2 điểm"."""
    return format_change(value)


@register.filter
def target(rule):
    return wording.target_text(rule)


@register.filter
def status_label(status):
    return wording.status_label(status) if status else ""


@register.filter
def shortfall_sentence(rule_progress):
    return wording.shortfall_sentence(rule_progress)


@register.inclusion_tag("includes/status_badge.html")
def status_badge(status):
    return {"status": status, "label": wording.status_label(status) if status else ""}


@register.simple_tag
def dossier_link(links: dict, entry, rule) -> str:
    """The page of the dossiers behind a unit's figure for a rule, when its counts come from lists."""
    return links.get(f"{entry.unit.pk}:{rule.code}", "")
