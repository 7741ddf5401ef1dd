"""Forms of the session preparation: they validate and convert, the services act."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from meetings.convocation import french_date
from meetings.models import AgendaItem, AttendanceAnswer, ProcesVerbal, Session
from members.models import Body, Mandate
from members.selectors import mandates_open_on
from pma_governance.lib import limits
from pma_governance.lib.forms import BoundedForm
from pma_governance.lib.richtext import RichTextarea

NOT_IN_OFFICE = "Cet élu n'a pas de mandat en cours dans l'assemblée à la date de la séance."


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


def _parse_date(value: Any) -> dt.date | None:
    try:
        return forms.DateField().clean(value)
    except forms.ValidationError:
        return None


class SessionForm(BoundedForm):
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


def _pv_text_field(label: str, rows: int, max_length: int) -> forms.CharField:
    """One of the PV's free texts, typed under the formatting toolbar."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=RichTextarea(
            toolbar_label=f"Mise en forme de « {label} »",
            attrs={"rows": rows, "class": "form-control"},
        ),
    )


class PvForm(BoundedForm):
    """The PV's free texts, in reading order: preamble, one debate per agenda item, closing."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    preamble = _pv_text_field("Préambule", rows=4, max_length=limits.PV_TEXT)
    closing_text = _pv_text_field("Clôture de la séance", rows=4, max_length=limits.PV_TEXT)

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        debates = [f"debate_{item.pk}" for item in items]
        for name, item in zip(debates, items, strict=True):
            self.fields[name] = _pv_text_field(
                f"{item.position}. {item.title}", rows=6, max_length=limits.DEBATE
            )
        self.order_fields(["version", "preamble", *debates, "closing_text"])

    def texts(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PaperAnswerForm(BoundedForm):
    """The secretariat enters a member's answer from the paper form (« formulaire papier »).

    Every member of the body may be picked: the service checks the session's rules and
    gives the French reason of a refusal.
    """

    mandate = MandateChoiceField(
        label="Membre",
        queryset=Mandate.objects.none(),
        error_messages={"invalid_choice": NOT_IN_OFFICE, "required": "Choisissez le membre."},
    )
    answer = forms.ChoiceField(
        label="Réponse",
        choices=AttendanceAnswer.Answer.choices,
        error_messages={
            "required": "Choisissez la réponse.",
            "invalid_choice": "Choisissez la réponse parmi celles proposées.",
        },
    )
    holder = MandateChoiceField(
        label="Pouvoir donné à",
        queryset=Mandate.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": NOT_IN_OFFICE},
    )
    substitute = MandateChoiceField(
        label="Suppléant qui siège",
        queryset=Mandate.objects.none(),
        required=False,
        empty_label="— celui de sa collectivité —",
        error_messages={"invalid_choice": NOT_IN_OFFICE},
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = mandates_open_on(session.body, session.date)
        for name in ("mandate", "holder"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["substitute"].queryset = members.filter(  # type: ignore[attr-defined]
            role=Mandate.Role.SUPPLEANT
        )
