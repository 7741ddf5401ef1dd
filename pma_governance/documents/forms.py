"""The forms of the official documents: an erratum to a signed act."""

from __future__ import annotations

from django import forms

from pma_governance.lib import limits
from pma_governance.lib.forms import BoundedForm


class ErratumForm(BoundedForm):
    date = forms.DateField(
        label="Date de l'erratum", widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label="Texte de l'erratum",
        max_length=limits.ERRATUM,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ce qui est corrigé, et comment. L'acte signé reste tel qu'il a été signé.",
    )
