"""Forms of the session preparation: they validate and convert, the services act."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q

from deliberations.models import Deliberation
from meetings.convocation import french_date
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body, Mandate
from members.selectors import mandates_open_on, members_in_office

NOT_IN_OFFICE = "Cet élu n'a pas de mandat en cours dans l'assemblée à la date de la séance."
NEW_DRAFT = "new"


class MandateChoiceField(forms.ModelChoiceField[Mandate]):
    """A picker of mandates labelled « Nom Prénom — CALL, titulaire (Président) »."""

    def label_from_instance(self, obj: Mandate) -> str:
        parts = [obj.entity.short_name] if obj.entity else []
        parts.append(obj.get_role_display().lower())
        label = f"{obj.person.full_name} — {', '.join(parts)}"
        return f"{label} ({obj.office})" if obj.office else label


class SessionChoiceField(forms.ModelChoiceField[Session]):
    def label_from_instance(self, obj: Session) -> str:
        return f"Séance du {french_date(obj.date)}"


class ProcesVerbalChoiceField(forms.ModelChoiceField[ProcesVerbal]):
    def label_from_instance(self, obj: ProcesVerbal) -> str:
        return f"Procès-verbal de la séance du {french_date(obj.session.date)}"


def agenda_locked_reason(session: Session) -> str:
    """Why the ordre du jour can no longer change, in French, or ""."""
    if session.facts_frozen_at is not None:
        # DESIGN §4.6: the facts stated by a signed act never change.
        return (
            "Un acte de cette séance est signé : son ordre du jour est figé "
            "(une correction passe par un erratum)."
        )
    if session.status == Session.Status.CLOSED:
        return "La séance est close : son ordre du jour ne peut plus être modifié."
    return ""


def _parse_date(value: Any) -> dt.date | None:
    try:
        return forms.DateField().clean(value)
    except forms.ValidationError:
        return None


class SessionForm(forms.Form):
    """Create or edit a session; pickers offer the mandates open on the session date."""

    date = forms.DateField(
        label="Date de la séance",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label="Heure d'ouverture",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label="Heure de clôture prévue",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    place = forms.CharField(
        label="Lieu",
        max_length=300,
        required=False,
        help_text="Par défaut, l'adresse du siège de l'assemblée.",
    )
    kind = forms.ChoiceField(label="Nature de la séance", choices=Session.Kind.choices)
    president = MandateChoiceField(
        label="Président de séance",
        queryset=Mandate.objects.none(),
        required=False,
        empty_label="— À désigner —",
        error_messages={"invalid_choice": NOT_IN_OFFICE},
    )
    secretary = MandateChoiceField(
        label="Secrétaire de séance",
        queryset=Mandate.objects.none(),
        required=False,
        empty_label="— À désigner —",
        help_text="Désigné parmi les membres (CGCT L2121-15) ; peut être fixé en début de séance.",
        error_messages={"invalid_choice": NOT_IN_OFFICE},
    )
    reconvenes = SessionChoiceField(
        label="Reconvoquée après la séance du",
        queryset=Session.objects.none(),
        required=False,
        empty_label="— Non : séance ordinairement convoquée —",
        help_text=(
            "Seulement pour une séance reconvoquée faute de quorum, au moins trois jours "
            "après la première (CGCT L2121-17)."
        ),
        error_messages={"invalid_choice": "Choisissez une séance antérieure de l'assemblée."},
    )

    def __init__(
        self, *args: Any, body: Body, session: Session | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.body = body
        self.session = session
        day = self.reference_date = self._reference_date()
        mandates = mandates_open_on(body, day)
        self.fields["president"].queryset = mandates  # type: ignore[attr-defined]
        self.fields["secretary"].queryset = mandates  # type: ignore[attr-defined]
        earlier = Session.objects.filter(body=body, date__lt=day).order_by("-date")
        if session is not None:
            earlier = earlier.exclude(pk=session.pk)
        self.fields["reconvenes"].queryset = earlier  # type: ignore[attr-defined]
        if session is None and not self.is_bound:
            self.initial.setdefault("place", body.address)
            self.initial.setdefault("kind", Session.Kind.ORDINARY)
            president = next((m for m in mandates if m.office.strip().lower() == "président"), None)
            if president is not None:
                self.initial.setdefault("president", president.pk)

    def _reference_date(self) -> dt.date:
        """The date the pickers are computed for: typed, else the session's, else today."""
        if self.is_bound:
            typed = _parse_date(self.data.get(self.add_prefix("date")))
            if typed is not None:
                return typed
        initial = self.initial.get("date")
        if isinstance(initial, dt.date):
            return initial
        if self.session is not None:
            return self.session.date
        return dt.date.today()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", "L'heure de clôture doit suivre l'heure d'ouverture.")
        president, secretary = data.get("president"), data.get("secretary")
        if president and secretary and president.person_id == secretary.person_id:
            self.add_error(
                "secretary", "Le secrétaire de séance doit être un autre membre que le président."
            )
        return data


class AgendaItemForm(forms.Form):
    """Add or edit an item of the ordre du jour, with its projet de délibération."""

    kind = forms.ChoiceField(
        label="Nature du point",
        choices=AgendaItem.Kind.choices,
        initial=AgendaItem.Kind.DELIBERATION,
    )
    title = forms.CharField(
        label="Intitulé",
        max_length=400,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=(
            "Facultatif pour l'adoption du procès-verbal, les questions diverses ou un point "
            "rattaché à un projet existant : l'intitulé est alors repris automatiquement."
        ),
    )
    rapporteur = MandateChoiceField(
        label="Rapporteur",
        queryset=Mandate.objects.none(),
        required=False,
        empty_label="— Aucun —",
        error_messages={"invalid_choice": NOT_IN_OFFICE},
    )
    deliberation = forms.ChoiceField(
        label="Projet de délibération",
        required=False,
        help_text="Pour un point « Délibération » : rédiger un nouveau projet ou rattacher un projet existant.",
    )
    adopts_pv = ProcesVerbalChoiceField(
        label="Procès-verbal soumis à adoption",
        queryset=ProcesVerbal.objects.none(),
        required=False,
        empty_label="— Aucun —",
        help_text="Pour un point « Adoption du procès-verbal ».",
    )

    def __init__(
        self, *args: Any, session: Session, item: AgendaItem | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.item = item
        self.fields["rapporteur"].queryset = members_in_office(  # type: ignore[attr-defined]
            session.body, session.date
        )
        drafts = Deliberation.objects.filter(
            body_id=session.body_id, status=Deliberation.Status.DRAFT
        )
        drafts = (
            drafts.filter(Q(item__isnull=True) | Q(item=item))
            if item is not None
            else drafts.filter(item__isnull=True)
        )
        self._drafts = {str(d.pk): d for d in drafts.order_by("title")}
        choices: list[tuple[str, str]] = [("", "— Aucun —")]
        if item is None or item.pk is None or not hasattr(item, "deliberation"):
            choices.append((NEW_DRAFT, "Rédiger un nouveau projet après l'ajout du point"))
        choices += [(pk, f"Projet existant : {d.title}") for pk, d in self._drafts.items()]
        self.fields["deliberation"].choices = choices  # type: ignore[attr-defined]
        earlier_pvs = (
            ProcesVerbal.objects.filter(
                session__body_id=session.body_id, session__date__lt=session.date
            )
            .select_related("session")
            .order_by("-session__date")
        )
        self.fields["adopts_pv"].queryset = earlier_pvs  # type: ignore[attr-defined]
        if not self.is_bound and item is None:
            previous = earlier_pvs.first()
            if previous is not None:
                self.initial.setdefault("adopts_pv", previous.pk)
        if not self.is_bound and item is not None:
            self.initial.update(
                kind=item.kind,
                title=item.title,
                rapporteur=item.rapporteur_id,
                adopts_pv=item.adopts_pv_id,
                deliberation=str(item.deliberation.pk) if hasattr(item, "deliberation") else "",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        locked = agenda_locked_reason(self.session)
        if locked:
            raise forms.ValidationError(locked)
        kind = data.get("kind")
        choice = data.get("deliberation") or ""
        draft = self._drafts.get(choice)
        data["new_draft"] = choice == NEW_DRAFT
        data["draft"] = draft
        if kind != AgendaItem.Kind.DELIBERATION and choice:
            self.add_error(
                "deliberation",
                "Seul un point « Délibération » peut porter un projet de délibération.",
            )
        if kind != AgendaItem.Kind.PV_ADOPTION:
            data["adopts_pv"] = None
        title = (data.get("title") or "").strip()
        if not title:
            pv = data.get("adopts_pv")
            if kind == AgendaItem.Kind.PV_ADOPTION:
                title = (
                    "Adoption du procès-verbal de la séance du "
                    f"{french_date(pv.session.date, weekday=False)}"
                    if pv
                    else "Adoption du procès-verbal de la séance précédente"
                )
            elif kind == AgendaItem.Kind.QUESTIONS:
                title = "Questions diverses"
            elif draft is not None:
                title = draft.title
            else:
                self.add_error("title", "Indiquez l'intitulé du point.")
        data["title"] = title
        return data


class ItemMoveForm(forms.Form):
    """Move an item one step up or down, or to a given rank."""

    direction = forms.ChoiceField(choices=[("up", "Monter"), ("down", "Descendre")], required=False)
    position = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        position = data.get("position")
        direction = data.get("direction")
        if position is None:
            if direction == "up":
                position = self.item.position - 1
            elif direction == "down":
                position = self.item.position + 1
            else:
                raise forms.ValidationError("Indiquez où déplacer le point.")
        locked = agenda_locked_reason(self.item.session)
        if locked:
            raise forms.ValidationError(locked)
        # Arrivals, departures and proxies are recorded against ranks: once a vote is
        # recorded, reordering would rewrite what the roll said for each item.
        if self.item.session.items.filter(vote__isnull=False).exists():
            raise forms.ValidationError(
                "Des votes sont enregistrés pour cette séance : l'ordre du jour ne peut plus "
                "être réordonné."
            )
        data["position"] = max(1, position)
        return data


class PvForm(forms.Form):
    """The PV's free texts; one debate field per agenda item."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    preamble = forms.CharField(label="Préambule", required=False, widget=forms.Textarea)
    closing_text = forms.CharField(
        label="Clôture de la séance", required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"debate_{item.pk}"] = forms.CharField(
                label=f"{item.position}. {item.title}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
            )
        for name in ("preamble", "closing_text"):
            self.fields[name].widget.attrs.update({"rows": 4, "class": "form-control"})

    def debate_fields(self) -> list[tuple[AgendaItem, forms.BoundField]]:
        return [(item, self[f"debate_{item.pk}"]) for item in self.items]

    def texts(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
