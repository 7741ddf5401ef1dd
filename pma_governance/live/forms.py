"""Forms of the live session screen: they validate and convert, the services act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from deliberations.models import NamedVote, Vote
from meetings.models import AgendaItem, Attendance
from members.models import Mandate
from pma_governance.lib.forms import BoundedForm
from pma_governance.live.models import ElectronicPoll, PollBallot


class MandateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.person.full_name


class MandateMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.person.full_name


class AttendanceForm(BoundedForm):
    status = forms.ChoiceField(label="Présence", choices=Attendance.Status.choices)
    seated = forms.BooleanField(label="Siège (vote) pour un titulaire absent", required=False)
    replaces = MandateChoiceField(
        label="Siège pour", queryset=Mandate.objects.none(), required=False
    )

    def __init__(self, *args: Any, absent_titulaires: list[Mandate] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        pks = [m.pk for m in absent_titulaires or []]
        self.fields["replaces"].queryset = Mandate.objects.filter(pk__in=pks).select_related(  # type: ignore[attr-defined]
            "person"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("replaces") and not data.get("seated"):
            data["seated"] = True
        if data.get("seated") and data.get("status") != Attendance.Status.PRESENT:
            self.add_error("seated", "Seul un suppléant présent peut siéger.")
        return data


class ProxyForm(BoundedForm):
    giver = MandateChoiceField(label="Mandant (absent)", queryset=Mandate.objects.none())
    holder = MandateChoiceField(label="Mandataire (présent)", queryset=Mandate.objects.none())
    received_on = forms.DateField(
        label="Reçu le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    illness = forms.BooleanField(label="Maladie dûment constatée", required=False)

    def __init__(
        self,
        *args: Any,
        givers: list[Mandate],
        holders: list[Mandate],
        all_mandates: list[Mandate],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        giver_field = self.fields["giver"]
        holder_field = self.fields["holder"]
        # Offer only legal choices, but accept any mandate of the session so that an
        # illegal submission reaches the service and is refused with its reason.
        every = Mandate.objects.filter(pk__in=[m.pk for m in all_mandates]).select_related("person")
        giver_field.queryset = every  # type: ignore[attr-defined]
        holder_field.queryset = every  # type: ignore[attr-defined]
        giver_field.widget.choices = [("", "— choisir —")] + [  # type: ignore[attr-defined]
            (m.pk, m.person.full_name) for m in givers
        ]
        holder_field.widget.choices = [("", "— choisir —")] + [  # type: ignore[attr-defined]
            (m.pk, m.person.full_name) for m in holders
        ]


class PresenceMoveForm(BoundedForm):
    MOVES = [("arrived", "Arrivée à partir du point"), ("left", "Départ avant le point")]

    mandate = MandateChoiceField(label="Membre", queryset=Mandate.objects.none())
    move = forms.ChoiceField(label="Mouvement", choices=MOVES)
    item = forms.ModelChoiceField(label="Point", queryset=AgendaItem.objects.none())

    def __init__(self, *args: Any, mandates: list[Mandate], items: list[AgendaItem], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["mandate"].queryset = Mandate.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in mandates]
        ).select_related("person")
        self.fields["item"].queryset = AgendaItem.objects.filter(  # type: ignore[attr-defined]
            pk__in=[i.pk for i in items]
        ).order_by("position")


class VoteForm(BoundedForm):
    MODES = [
        ("unanimous", "À l'unanimité"),
        ("counts", "Décompte des voix"),
        ("roll_call", "Appel nominal"),
    ]
    PRESIDENT = [("", "—"), ("for", "Pour"), ("against", "Contre"), ("abstain", "Abstention")]

    mode = forms.ChoiceField(label="Vote", choices=MODES, initial="unanimous")
    ballot = forms.ChoiceField(
        label="Mode de scrutin", choices=Vote.Ballot.choices, initial=Vote.Ballot.SHOW_OF_HANDS
    )
    votes_for = forms.IntegerField(label="Pour", min_value=0, required=False)
    votes_against = forms.IntegerField(label="Contre", min_value=0, required=False)
    abstentions = forms.IntegerField(label="Abstentions", min_value=0, required=False)
    blank = forms.IntegerField(label="Blancs et nuls", min_value=0, required=False)
    not_voting = MandateMultipleChoiceField(
        label="Ne prenant pas part au vote",
        queryset=Mandate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    not_voting_reason = forms.CharField(label="Motif", max_length=300, required=False)
    president_vote = forms.ChoiceField(
        label="Vote du président (en cas de partage)", choices=PRESIDENT, required=False
    )

    def __init__(
        self, *args: Any, voters: list[Mandate], named: list[Mandate], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.named = named
        self.fields["not_voting"].queryset = Mandate.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in voters]
        ).select_related("person")
        for mandate in named:
            self.fields[f"choice_{mandate.pk}"] = forms.ChoiceField(
                label=mandate.person.full_name,
                choices=NamedVote.Choice.choices,
                initial=NamedVote.Choice.FOR,
                required=False,
                widget=forms.RadioSelect,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "counts":
            for name in ("votes_for", "votes_against", "abstentions"):
                if data.get(name) is None:
                    data[name] = 0
            if data.get("blank") is None:
                data["blank"] = 0
            if data.get("mode") == "counts" and not any(
                data.get(n) for n in ("votes_for", "votes_against", "abstentions", "blank")
            ):
                self.add_error("votes_for", "Saisissez le nombre de voix.")
        return data

    def roll_call_choices(self) -> dict[str, list[Mandate]]:
        choices: dict[str, list[Mandate]] = {"for": [], "against": [], "abstain": []}
        excluded = {m.pk for m in self.cleaned_data.get("not_voting") or []}
        for mandate in self.named:
            if mandate.pk in excluded:
                continue
            choice = self.cleaned_data.get(f"choice_{mandate.pk}") or NamedVote.Choice.FOR
            choices[choice].append(mandate)
        return choices


class PollOpenForm(BoundedForm):
    mode = forms.ChoiceField(
        label="Mode de scrutin",
        choices=ElectronicPoll.Mode.choices,
        initial=ElectronicPoll.Mode.PUBLIC,
    )


class BallotForm(BoundedForm):
    """One voice cast: whose (the mandate's id) and the choice."""

    for_mandate = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    choice = forms.ChoiceField(label="Vote", choices=PollBallot.Choice.choices)


class PollCloseForm(BoundedForm):
    missing_not_voting = forms.BooleanField(
        label="Les membres qui n'ont pas voté ne prennent pas part au vote", required=False
    )
    president_vote = forms.ChoiceField(
        label="Vote du président (en cas de partage)", choices=VoteForm.PRESIDENT, required=False
    )
