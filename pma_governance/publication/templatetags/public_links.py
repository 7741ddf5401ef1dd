"""Template helpers of the public pages: an act's number as its URL part."""

from __future__ import annotations

from django import template

from pma_governance.publication.selectors import number_slug as _number_slug

register = template.Library()


@register.filter
def number_slug(number: str | None) -> str:
    """{{ d.number|number_slug }} → « 2023-PMA00192 »."""
    return _number_slug(number or "")
