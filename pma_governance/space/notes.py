"""An élu's private notes on the projets, and what changed in a projet since the convocation.

A note is selected by its owner's account only: nothing here takes another user, so no
page, export or search can show one élu's note to anyone else.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.html import strip_tags

from deliberations.models import Deliberation
from deliberations.selectors import deliberations_for_user
from pma_governance.space.models import PrivateNote


def projets_for_user(user: Any) -> QuerySet[Deliberation]:
    """The projets (deliberations on a session's agenda) the user may read."""
    return deliberations_for_user(user).filter(item__isnull=False)


def note_for(user: Any, deliberation: Deliberation) -> PrivateNote | None:
    """The user's own note on the projet, if he wrote one."""
    return PrivateNote.objects.filter(user=user, deliberation=deliberation).first()


def noted(user: Any, deliberations: list[Deliberation]) -> set[int]:
    """Pks of those projets the user has a note on (one query)."""
    return set(
        PrivateNote.objects.filter(user=user, deliberation__in=deliberations).values_list(
            "deliberation_id", flat=True
        )
    )


def save_note(user: Any, deliberation: Deliberation, text: str) -> PrivateNote | None:
    """Write the user's note on the projet; an empty text deletes it."""
    if not text.strip():
        PrivateNote.objects.filter(user=user, deliberation=deliberation).delete()
        return None
    note, _ = PrivateNote.objects.update_or_create(
        user=user, deliberation=deliberation, defaults={"text": text}
    )
    return note


def own_notes(user: Any) -> QuerySet[PrivateNote]:
    """The user's notes on the projets he may still read, session by session, item by item."""
    return (
        PrivateNote.objects.filter(user=user, deliberation__in=projets_for_user(user))
        .select_related("deliberation__item__session__body")
        .order_by("deliberation__item__session__date", "deliberation__item__position")
    )


def _day(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


def _heading(note: PrivateNote) -> str:
    deliberation = note.deliberation
    item = deliberation.item
    assert item is not None  # own_notes keeps projets only
    number = f"Délibération n° {deliberation.number}" if deliberation.number else "Projet"
    return (
        f"{item.session.body.short_name} — séance du {_day(item.session.date)} — "
        f"point n° {item.position} — {number} : {deliberation.title}"
    )


def export_notes(user: Any, markdown: bool) -> str:
    """The user's notes as one UTF-8 text: a section per projet, Markdown or plain text."""
    notes = list(own_notes(user))
    title = f"Mes notes personnelles — {user.get_full_name() or user.get_username()}"
    exported = f"Exportées le {_day(timezone.localdate())}."
    if markdown:
        lines = [f"# {title}", "", exported, ""]
    else:
        lines = [title, "=" * len(title), "", exported, ""]
    if not notes:
        lines += ["Aucune note.", ""]
    for note in notes:
        heading = _heading(note)
        lines += [f"## {heading}", ""] if markdown else [heading, "-" * len(heading), ""]
        lines += [note.text.replace("\r\n", "\n"), ""]
    return "\n".join(lines)


# --- What changed since the convocation -------------------------------------------------

BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)


def _plain(rich: str) -> list[str]:
    """A stored text (rich or plain) as its lines of words, for a diff."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", rich or "")))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _visas(visas: Any) -> list[str]:
    texts = [v.get("text", "") if isinstance(v, dict) else v for v in visas or []]
    return [" ".join(str(t).split()) for t in texts if str(t).strip()]


def _texts(row: Any) -> list[tuple[str, list[str]]]:
    return [
        ("Objet", [row.title]),
        ("Visas", _visas(row.visas)),
        ("Considérants", _plain(row.considerants)),
        ("Dispositif", _plain(row.dispositif)),
    ]


@dataclass
class TextChange:
    label: str
    diff: list[str]


@dataclass
class ChangesSinceConvocation:
    convened_at: dt.datetime
    changes: list[TextChange]


def changes_since_convocation(deliberation: Deliberation) -> ChangesSinceConvocation | None:
    """The projet's texts as sent with the convocation against today's, or None.

    None when the session was not convened or the history does not go back to the
    convocation (a projet written after it has nothing to compare with).
    """
    item = deliberation.item
    session = item.session if item is not None else None
    if session is None or (session.convocation_sent_at is None and session.convened_on is None):
        return None
    sent = session.convocation_sent_at or timezone.make_aware(
        dt.datetime.combine(session.convened_on, dt.time.max)  # type: ignore[arg-type]
    )
    before = (
        deliberation.events.filter(pgh_created_at__lte=sent)  # type: ignore[attr-defined]
        .order_by("-pgh_created_at", "-pgh_id")
        .first()
    )
    if before is None:
        return None
    changes = []
    for (label, old), (_, new) in zip(_texts(before), _texts(deliberation), strict=True):
        if old != new:
            diff = list(
                difflib.unified_diff(old, new, "À la convocation", "Aujourd'hui", n=1, lineterm="")
            )
            changes.append(TextChange(label=label, diff=diff))
    return ChangesSinceConvocation(convened_at=sent, changes=changes)
