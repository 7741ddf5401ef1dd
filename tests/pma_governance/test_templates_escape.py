"""No template prints user text unescaped, and no page carries inline script or style.

Autoescaping is what keeps a title typed by a secretariat member from running as a script
in every élu's browser; the Content-Security-Policy (settings.py) is the second wall, and
it refuses anything inline. These tests read every template and every first-party Python
module: a new `|safe`, `{% autoescape off %}`, `mark_safe`, `<script>…</script>`,
`<style>`, `style="…"` or `on…=` handler fails here unless it is added, with its reason,
to the allow-lists below.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("members", "meetings", "deliberations", "pma_governance")

# (template, rule): why it is harmless. Keep it short: every entry is a hole in the wall.
TEMPLATE_ALLOWED: dict[tuple[str, str], str] = {
    # An e-mail, never served as a page (no CSP there): mail clients drop <style> and
    # keep only inline styles. Its values are autoescaped like everywhere else.
    ("templates/meetings/email/convocation.html", "style attribute"): "e-mail body",
    ("templates/meetings/email/_convocation.html", "style attribute"): "e-mail body",
    ("templates/members/email/member.html", "style attribute"): "e-mail body",
}

# (module, marker): why what it marks safe cannot carry markup from a user.
PYTHON_ALLOWED: dict[tuple[str, str], str] = {
    # The `rich` filter: the output of the one sanitiser, nh3 (lib/richtext.normalize), which
    # keeps a few tags without any attribute.
    ("pma_governance/templatetags/pma.py", "mark_safe("): "nh3 sanitiser output",
    # Search excerpts: every piece of text is escaped, the only markup is the <mark> tags
    # written there.
    ("pma_governance/lib/fulltext.py", "mark_safe("): "escaped text and <mark>",
    # An empty title.
    ("pma_governance/search/selectors.py", "SafeString("): 'SafeString("")',
}

TEMPLATE_RULES: dict[str, re.Pattern[str]] = {
    "autoescape off": re.compile(r"{%\s*autoescape\s+off\s*%}"),
    "safe filter": re.compile(r"\|\s*safe(seq)?\b|{%\s*filter\s+[^%]*\bsafe"),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on": re.compile(r"\s(data-)?hx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}
COMMENT = re.compile(r"{#.*?#}")  # a template comment prints nothing
PYTHON_MARKERS = ("mark_safe(", "SafeString(", "SafeText(", "__html__")


def _templates() -> list[Path]:
    found = []
    for package in ("templates", *FIRST_PARTY):
        for path in (ROOT / package).rglob("*"):
            if path.suffix in {".html", ".txt", ".xml"} and "templates" in path.parts:
                found.append(path)
    return sorted(found)


def _python_modules() -> list[Path]:
    return sorted(
        path
        for package in FIRST_PARTY
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_scan_sees_every_template_and_module() -> None:
    names = {_relative(p) for p in _templates()}
    # The base page, a feature's page, a PDF, a widget and the e-mail are all read.
    assert {
        "templates/base.html",
        "pma_governance/live/templates/live/_panel.html",
        "pma_governance/documents/templates/pdf/pv.html",
        "templates/widgets/richtext.html",
        "templates/meetings/email/convocation.html",
    } <= names
    assert len(names) > 60
    assert "pma_governance/templatetags/pma.py" in {_relative(p) for p in _python_modules()}


@pytest.mark.parametrize("rule", sorted(TEMPLATE_RULES))
def test_no_template_turns_escaping_off_or_carries_inline_code(rule: str) -> None:
    pattern = TEMPLATE_RULES[rule]
    found = []
    for path in _templates():
        name = _relative(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(COMMENT.sub("", line)) and (name, rule) not in TEMPLATE_ALLOWED:
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == [], f"{rule} in a template (see TEMPLATE_ALLOWED):\n" + "\n".join(found)


def test_nothing_is_marked_safe_in_python_but_the_sanitiser_and_the_excerpts() -> None:
    found = set()
    for path in _python_modules():
        text = path.read_text(encoding="utf-8")
        found |= {(_relative(path), m) for m in PYTHON_MARKERS if m in text}
    # Imports and annotations say `SafeString` without the call: only calls are counted.
    assert found - PYTHON_ALLOWED.keys() == set(), "marked safe outside PYTHON_ALLOWED"
    # An entry no longer needed is removed, so that the list says what is really there.
    assert set(PYTHON_ALLOWED) - found == set(), "stale PYTHON_ALLOWED entries"


def test_every_allowed_template_exception_is_still_there() -> None:
    for name, rule in TEMPLATE_ALLOWED:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert TEMPLATE_RULES[rule].search(text), f"stale TEMPLATE_ALLOWED entry: {name}"
