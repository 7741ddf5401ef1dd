"""The members' space forms: an élu's private note on a projet, his answer to a session."""

from __future__ import annotations

from typing import Any

from django import forms

from meetings.answers import AnswerChoices
from meetings.models import AttendanceAnswer, Session
from members.models import Mandate
from members.notifications import KINDS
from members.selectors import mandates_open_on
from pma_governance.lib import limits, wording
from pma_governance.lib.forms import BoundedForm


class NoteForm(BoundedForm):
    """The note, plain text; emptied, it is deleted."""

    text = forms.CharField(
        label="Ma note personnelle",
        required=False,
        max_length=limits.PRIVATE_NOTE,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Visible de vous seul : ni les autres élus, ni le secrétariat ne la lisent. "
            f"Au plus {limits.french_count(limits.PRIVATE_NOTE)} caractères."
        ),
    )


PAPER = "paper_convocation"


class NotificationsForm(BoundedForm):
    """One checkbox per kind of e-mail; convocations are always sent (shown, disabled).
    And whether the convocation also comes by post. Keys not in the form are ignored."""

    def __init__(
        self, *args: object, current: dict[str, bool], paper: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in KINDS.values():
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label,
                help_text=kind.help,
                required=False,
                initial=True if kind.always else current.get(kind.key, kind.default),
                disabled=kind.always,
            )
        self.fields[PAPER] = forms.BooleanField(
            label="Recevoir aussi la convocation sur papier",
            help_text=(
                "Le secrétariat vous l'adresse aussi par courrier (CGCT L2121-10) ; "
                "le courriel reste envoyé."
            ),
            required=False,
            initial=paper,
        )

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in KINDS]

    def choices(self) -> dict[str, bool]:
        """The kinds of e-mail the member may turn off, each with his choice."""
        return {k: bool(self.cleaned_data[k]) for k in KINDS if not KINDS[k].always}


# A passphrase is typed, never pasted from a book: bounded like any text.
PASSPHRASE_MAX = 200
Answer = AttendanceAnswer.Answer
ANSWER_ERRORS = {
    "required": "Choisissez votre réponse.",
    "invalid_choice": "Choisissez votre réponse parmi celles proposées.",
}
MEMBER_ERRORS = {"invalid_choice": "Ce membre ne siège pas dans l'assemblée à cette date."}


def _member_label(mandate: Mandate) -> str:
    person = mandate.person
    entity = f" ({mandate.entity.short_name or mandate.entity.name})" if mandate.entity else ""
    return f"{person.civility} {person.full_name}{entity}"


class AnswerForm(BoundedForm):
    """« Ma réponse »: present, excused, a pouvoir to a member, or his suppléant sits.

    The lists offer the legal choices only; a member of the body chosen anyway is checked
    by the service, which gives the rule's French reason.
    """

    answer = forms.ChoiceField(
        label="Ma réponse",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages=ANSWER_ERRORS,
    )
    holder = forms.ModelChoiceField(
        label="Je donne pouvoir à",
        queryset=Mandate.objects.none(),
        required=False,
        empty_label="— choisir un membre —",
        error_messages=MEMBER_ERRORS,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto d-inline-block"}),
    )
    substitute = forms.ModelChoiceField(
        label="Mon suppléant",
        queryset=Mandate.objects.none(),
        required=False,
        empty_label="— mon suppléant —",
        error_messages=MEMBER_ERRORS,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto d-inline-block"}),
    )

    def __init__(
        self,
        *args: Any,
        session: Session,
        mandate: Mandate,
        choices: AnswerChoices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        e = wording.feminine_ending(mandate.person.civility)
        options = [
            (Answer.PRESENT, f"Je serai présent{e}"),
            (Answer.EXCUSED, f"Je serai absent{e} et excusé{e}"),
        ]
        if mandate.role == Mandate.Role.TITULAIRE:
            options.append((Answer.PROXY, f"Je serai absent{e} et je donne pouvoir à un membre"))
            if choices.substitutes:
                options.append((Answer.SUBSTITUTE, f"Je serai absent{e} : mon suppléant siège"))
        answer = self.fields["answer"]
        assert isinstance(answer, forms.ChoiceField)
        answer.choices = options
        members = mandates_open_on(session.body, session.date).exclude(pk=mandate.pk)
        for name, shown in (("holder", choices.holders), ("substitute", choices.substitutes)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = members
            chosen = self._chosen(name)
            offered = list(shown)
            extra = members.filter(pk=chosen).first() if chosen else None
            if extra is not None and extra not in offered:
                offered.append(extra)  # the refused choice stays shown with its reason
            field.widget.choices = [("", field.empty_label or "")] + [
                (m.pk, _member_label(m)) for m in offered
            ]

    def _chosen(self, name: str) -> int | None:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        try:
            return int(value) if value else None
        except (TypeError, ValueError):
            return None


class SignForm(BoundedForm):
    """The passphrase of the mandant's own certificate, used once and never kept."""

    passphrase = forms.CharField(
        label="Phrase secrète de votre certificat",
        max_length=PASSPHRASE_MAX,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "class": "form-control w-auto"}),
    )
