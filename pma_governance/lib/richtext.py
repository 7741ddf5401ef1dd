"""Formatted text limited to what the documents can print, sanitised with nh3."""

from __future__ import annotations

import html
import re

import nh3

# What the PDF templates know how to lay out; anything else is dropped on save.
ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "h4", "br"}


def sanitize(html: str) -> str:
    """Keep only the allowed tags, without attributes; scripts and styles vanish."""
    cleaned = nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={}, link_rel=None)
    return cleaned.strip()


def plain_to_html(text: str) -> str:
    """Plain text typed with blank lines between paragraphs, as allowed HTML."""

    paragraphs = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p
    )


_BLOCK = re.compile(r"<(p|ul|ol|h4)\b", re.IGNORECASE)


def normalize(text: str) -> str:
    """What the secretariat typed, as allowed HTML.

    Text without paragraphs or lists (typed with blank lines between paragraphs, maybe
    with a few bold words) is cut into paragraphs first; then everything is sanitised.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    if not _BLOCK.search(text):
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        text = "".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs)
    return sanitize(text)


def rich(text: str) -> str:
    """Secretariat text as the allowed HTML (p/strong/em/ul/ol/li/h4/br), plain text included."""
    text = (text or "").strip()
    if not text:
        return ""
    return sanitize(text if text.startswith("<") else plain_to_html(text))
