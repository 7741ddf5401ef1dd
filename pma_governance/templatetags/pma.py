"""Small template helpers shared by the screens."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from pma_governance.lib.richtext import normalize

register = template.Library()


@register.filter
def dictget(mapping: Any, key: Any) -> Any:
    """`{{ forms|dictget:item.pk }}`: a dict lookup with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def rich(text: str) -> str:
    """`{{ item.debate_summary|rich }}`: the secretariat's text as sanitised HTML.

    The one way a template prints user text as HTML (no `|safe` anywhere:
    tests/pma_governance/test_templates_escape.py); normalising twice changes nothing, so
    text already normalised on save comes out the same.
    """
    # Sanitised with nh3 to the few tags the documents know: safe to print as HTML.
    return mark_safe(normalize(text))
