"""The members' space forms: an élu's private note on a projet."""

from __future__ import annotations

from django import forms

from members.notifications import KINDS
from pma_governance.lib import limits
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
