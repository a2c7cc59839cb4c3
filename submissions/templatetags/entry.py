from django import template

from dvctt_portal.figures import format_number, format_rate

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
