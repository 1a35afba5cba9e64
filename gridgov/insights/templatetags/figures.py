"""How figures read on the pages."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value) -> str:
    """A rate in 0..1 as a percentage with one decimal ("82.5"); "—" for no figure."""
    if value is None:
        return "—"
    return number_format(value * 100, 1)
