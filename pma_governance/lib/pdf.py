"""Template → HTML → WeasyPrint → PDF bytes, with static files and fonts served locally.

The URL fetcher serves `/static/…` from Django's staticfiles finders and the fonts from the
font package the project depends on; anything else (http, https, other files) is refused,
so a document never depends on the network nor on the fonts a machine happens to have.
The document's title, author and language come from the template's <head>.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import font_source_sans_pro
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Templates link `/static/…`; against this base the links become file:///static/… URLs,
# which the fetcher below maps to the staticfiles finders (never the real root folder).
BASE_URL = "file:///"

# Fonts installed by the project's own dependencies (print.css refers to these paths).
FONT_DIRS: dict[str, Path] = {
    "fonts/source-sans-pro/": Path(font_source_sans_pro.font_directory),
}


# DESIGN §2: PDF/A-3 where it holds (archival; pyHanko signs it incrementally), tagged
# (structure tree, /MarkInfo, /Lang from <html lang>) for screen readers.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}


class ResourceRefused(ValueError):
    """A document asked for something that is not one of our static files."""


def _static_prefixes() -> tuple[str, str]:
    """The path prefix of static URLs (« /static/ ») and STATIC_URL itself when absolute."""
    static_url = str(settings.STATIC_URL or "/static/")
    return "/" + urlsplit(static_url).path.strip("/") + "/", static_url


def static_path(url: str) -> Path | None:
    """The local file behind a static URL of a document, or None when it is not one."""
    parts = urlsplit(url)
    prefix, static_url = _static_prefixes()
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        if not parts.path.startswith(prefix):
            return None
        relative = unquote(parts.path[len(prefix) :])
    elif "://" in static_url and url.startswith(static_url):
        relative = unquote(urlsplit(url[len(static_url) :]).path)
    else:
        return None
    if not relative or ".." in Path(relative).parts:
        return None
    for font_prefix, directory in FONT_DIRS.items():
        if relative.startswith(font_prefix):
            candidate = directory / relative[len(font_prefix) :]
            return candidate if candidate.is_file() else None
    found = finders.find(relative)
    return Path(found) if isinstance(found, str) else None


@functools.lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int) -> bytes:
    # Keyed by modification time: an edited print.css is read again, an unchanged one is not.
    return path.read_bytes()


class LocalStaticFetcher(URLFetcher):
    """Serves static files and bundled fonts from disk; refuses every other URL."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_path(url)
        if path is None:
            logger.warning("Ressource refusée dans un document PDF : %s", url)
            raise ResourceRefused(
                f"Ressource refusée : {url} (seuls les fichiers statiques locaux sont servis)."
            )
        mime_type, _ = mimetypes.guess_type(path.name)
        body = _read(path, path.stat().st_mtime_ns)
        # The URL stays under /static/ so that relative links (print.css → fonts) resolve there.
        return URLFetcherResponse(
            url, body, {"Content-Type": mime_type or "application/octet-stream"}
        )


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One FontConfiguration per thread, kept between documents.

    Building one scans the machine's font list, and a reused one registers the @font-face
    fonts once (WeasyPrint skips a face it already holds): later documents pay neither.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def _fetcher() -> LocalStaticFetcher:
    fetcher = getattr(_local, "fetcher", None)
    if fetcher is None:
        fetcher = _local.fetcher = LocalStaticFetcher()
    return fetcher


def render_html(template_name: str, context: dict[str, Any]) -> str:
    """The HTML of a document (what WeasyPrint is given)."""
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a document's HTML, rendered once."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
    pdf = document.write_pdf(font_config=_font_config(), **PDF_OPTIONS)
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """`render_to_string` → WeasyPrint `HTML(...).write_pdf()`: the PDF of a document."""
    return html_to_pdf(render_html(template_name, context))
