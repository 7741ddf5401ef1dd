"""Formatted text limited to what the documents can print: its normaliser and its widget."""

from __future__ import annotations

import re
from typing import Any

import nh3
from django import forms

from pma_governance.lib.limits import strip_controls

# What the PDF templates know how to lay out; anything else is dropped on save.
ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "h4", "br"}

_BLOCK = re.compile(r"<(p|ul|ol|h4)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def _sanitize(html: str) -> str:
    """Keep only the allowed tags, without attributes; scripts and styles vanish."""
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes={}, link_rel=None)
    return cleaned.strip()


def normalize(text: str) -> str:
    """What the secretariat typed, as the allowed HTML: the one way in for rich text.

    Text without paragraphs, lists or intertitles is cut into paragraphs at blank lines,
    a single line break becoming <br>; the tags typed inside it (the toolbar's bold or
    italic) are kept, not escaped. Text with such blocks is kept as typed. Either way,
    only the allowed tags survive, without attributes; a text that prints nothing (empty,
    or only a script) gives "", so that the documents can leave it out.

    Used on save (services) and again on display, for rows an import wrote unchecked:
    normalising twice changes nothing.
    """
    text = strip_controls(text or "").replace("\r\n", "\n").strip()
    if not _BLOCK.search(text):
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        text = "".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs)
    cleaned = _sanitize(text)
    # Sanitised, the text holds no « < » but its tags: what is left once they are gone prints.
    return cleaned if _TAG.sub("", cleaned).strip() else ""


class RichTextarea(forms.Textarea):
    """A textarea under the formatting toolbar; without JavaScript, a plain textarea.

    The toolbar (templates/widgets/richtext.html) stays hidden until static/js/app.js
    shows it and makes its buttons wrap the selection in the allowed tags.
    """

    template_name = "widgets/richtext.html"

    def __init__(self, *, toolbar_label: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.toolbar_label = toolbar_label

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["toolbar_label"] = self.toolbar_label
        return context
