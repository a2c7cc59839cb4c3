from django import template

from dvctt_portal.figures import format_number, format_rate
from dvctt_portal.text import fold as fold_text

register = template.Library()


@register.filter
def rate(value):
    """A rate computed by the server (dvctt_portal.figures.rate_percent), written 25,0 %."""
    return format_rate(value)


@register.filter
def number(value):
    return format_number(value, empty="")


@register.filter
def blank(value):
    """A saved count, or nothing when there is no saved row."""
    return "—" if value is None else format_number(value)


@register.filter
def fold(value):
    """Text as the grid's filter compares it: no diacritics, lower case (dvctt_portal.text)."""
    return fold_text(value)
