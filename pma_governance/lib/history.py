"""The history of a governance record, read from the event tables django-pghistory fills.

The database writes the events itself (triggers), whatever the code path: insert, the row
before and after each update, and delete, with the user and URL of the request. Here they
become French lines for the admin: who, when, which field went from what to what.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ACTIONS = {
    "insert": "Création",
    "update": "Modification",
    "delete": "Suppression",
}
EMPTY = "—"
NO_USER = "hors application (commande, import, console)"
_JSON_MAX = 160


@dataclass(frozen=True)
class Related:
    """Records shown in another record's history: `model` rows whose `field` points to it."""

    model: type[models.Model]
    field: str  # the column of the event table holding the parent's id, e.g. "session_id"
    label: str = ""  # the field naming the row in the history, e.g. "mandate"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One change of one record."""

    at: dt.datetime
    action: str  # « Création », « Modification », « Suppression »
    subject: str  # « Séance », « Présence — Alain Bavay »…
    user: str
    url: str
    changes: tuple[FieldChange, ...]
    event_id: int


def event_model(model: type[models.Model]) -> type[models.Model]:
    """The event table pghistory generated for a tracked model."""
    models_by_label: dict[str, type[models.Model]] = model.pgh_event_models  # type: ignore[attr-defined]
    return models_by_label["insert"]


def _shown_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The tracked model's fields a reader cares about (no id, no automatic timestamps)."""
    shown = []
    for field in model._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False):
            continue
        if isinstance(field, models.BinaryField):
            continue
        shown.append(field)
    return shown


class _Labels:
    """Names of the rows that foreign keys point to, loaded in one query per model."""

    def __init__(self) -> None:
        self._wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self._names: dict[tuple[type[models.Model], Any], str] = {}

    def want(self, field: models.Field[Any, Any], value: Any) -> None:
        if value is not None and field.is_relation and field.related_model is not None:
            self._wanted[field.related_model].add(value)  # type: ignore[index]

    def load(self) -> None:
        for model, ids in self._wanted.items():
            queryset = model._default_manager.all()
            if hasattr(model, "person"):
                queryset = queryset.select_related("person")
            for pk, obj in queryset.in_bulk(list(ids)).items():
                self._names[(model, pk)] = str(obj)

    def name(self, field: models.Field[Any, Any], value: Any) -> str:
        related = field.related_model
        label = self._names.get((related, value)) if related else None  # type: ignore[arg-type]
        return label or f"n° {value} (supprimé)"


def display(field: models.Field[Any, Any], value: Any, labels: _Labels) -> str:
    """A stored value as a French reader expects it."""
    if value is None or value == "":
        return EMPTY
    if field.is_relation:
        return labels.name(field, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= _JSON_MAX else text[: _JSON_MAX - 1] + "…"
    return str(value)


def _values(event: models.Model, fields: Sequence[models.Field[Any, Any]]) -> dict[str, Any]:
    return {f.attname: getattr(event, f.attname, None) for f in fields}


def history_for(obj: models.Model, related: Iterable[Related] = ()) -> list[HistoryEntry]:
    """Every recorded change of `obj` and of the `related` rows, most recent first."""
    model = type(obj)
    sources: list[tuple[type[models.Model], dict[str, Any], str, str]] = [
        (model, {"pgh_obj_id": obj.pk}, str(model._meta.verbose_name).capitalize(), "")
    ]
    for rel in related:
        sources.append(
            (
                rel.model,
                {rel.field: obj.pk},
                str(rel.model._meta.verbose_name).capitalize(),
                rel.label,
            )
        )
    labels = _Labels()
    raw: list[tuple[models.Model, list[models.Field[Any, Any]], str, str]] = []
    for tracked, filters, subject, label in sources:
        fields = _shown_fields(tracked)
        events = (
            event_model(tracked)
            ._default_manager.filter(**filters)
            .select_related("pgh_context")
            .order_by("pgh_obj_id", "pgh_id")
        )
        for event in events:
            for field in fields:
                labels.want(field, getattr(event, field.attname, None))
            raw.append((event, fields, subject, label))
    labels.load()
    users = _users(raw)

    entries: list[HistoryEntry] = []
    previous: dict[tuple[str, Any], dict[str, Any]] = {}
    for event, fields, subject, label in raw:
        key = (subject, event.pgh_obj_id)  # type: ignore[attr-defined]
        current = _values(event, fields)
        kind = event.pgh_label  # type: ignore[attr-defined]
        if kind == "before_update":
            previous[key] = current  # the row before the update that follows it
            continue
        before = previous.get(key, {}) if kind != "insert" else {}
        after = current if kind != "delete" else {}
        if kind == "delete":
            before = current
        changes = tuple(
            FieldChange(
                str(f.verbose_name),
                display(f, before.get(f.attname), labels) if kind != "insert" else EMPTY,
                display(f, after.get(f.attname), labels) if kind != "delete" else EMPTY,
            )
            for f in fields
            if kind != "update" or before.get(f.attname) != after.get(f.attname)
            if kind != "insert" or after.get(f.attname) not in (None, "")
            if kind != "delete" or before.get(f.attname) not in (None, "")
        )
        previous[key] = current
        if kind == "update" and not changes:
            continue
        if label:
            label_field = next(f for f in fields if f.name == label)
            subject = (
                f"{subject} — {display(label_field, current.get(label_field.attname), labels)}"
            )
        context = event.pgh_context  # type: ignore[attr-defined]
        metadata = context.metadata if context is not None else {}
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,  # type: ignore[attr-defined]
                action=ACTIONS.get(kind, kind),
                subject=subject,
                user=users.get(metadata.get("user"), NO_USER),
                url=str(metadata.get("url") or ""),
                changes=changes,
                event_id=event.pgh_id,  # type: ignore[attr-defined]
            )
        )
    entries.sort(key=lambda e: (e.at, e.event_id), reverse=True)
    return entries


def _users(raw: Sequence[tuple[models.Model, Any, Any, Any]]) -> dict[Any, str]:
    ids = set()
    for event, *_ in raw:
        context = event.pgh_context  # type: ignore[attr-defined]
        if context is not None and context.metadata.get("user") is not None:
            ids.add(context.metadata["user"])
    found = get_user_model()._default_manager.in_bulk(list(ids)) if ids else {}
    return {pk: (user.get_full_name() or user.get_username()) for pk, user in found.items()}


def history_table(entries: Sequence[HistoryEntry]) -> SafeString:
    """The history as an HTML table for the admin (values escaped)."""
    if not entries:
        return format_html("<p>{}</p>", "Aucune modification enregistrée.")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}<br><small>{}</small></td><td>{}</td></tr>",
        (
            (
                timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"),
                e.action,
                e.subject,
                e.user,
                e.url,
                _changes_html(e.changes),
            )
            for e in entries
        ),
    )
    return format_html(
        '<table class="pma-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
        "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
        "Quand",
        "Action",
        "Objet",
        "Qui",
        "Modifications (avant → après)",
        rows,
    )


def _changes_html(changes: Sequence[FieldChange]) -> SafeString:
    return format_html_join(
        "",
        "<div><strong>{}</strong> : {} → {}</div>",
        ((c.field, c.before, c.after) for c in changes),
    )


class HistoryAdminMixin:
    """Adds a read-only « Historique » section: who changed what, when, from what to what."""

    history_related: Sequence[Related] = ()

    def get_readonly_fields(
        self, request: HttpRequest, obj: Any = None
    ) -> list[str] | tuple[str, ...]:
        fields = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return [*fields, "historique"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "historique"]})
            for name, options in super().get_fieldsets(request, obj)  # type: ignore[misc]
        ]
        if obj is not None:
            fieldsets.append(("Historique", {"fields": ["historique"]}))
        return fieldsets

    @admin.display(description="Historique des modifications")
    def historique(self, obj: Any) -> SafeString:
        return history_table(history_for(obj, self.history_related))
