"""The search form of the archive: it validates and converts, the search module acts."""

from __future__ import annotations

from typing import Any

from django import forms

from deliberations.forms import matiere_choices
from deliberations.models import Vote
from pma_governance.lib.forms import BoundedForm
from pma_governance.lib.fulltext import clean_query
from pma_governance.search.selectors import Kind, SearchFilters

KIND_CHOICES = [
    ("", "Délibérations et procès-verbaux"),
    (Kind.DELIBERATION.value, "Délibérations"),
    (Kind.PV.value, "Procès-verbaux"),
]


class SearchForm(BoundedForm):
    """Words to find and optional filters; a bad filter is ignored, never an error page."""

    # Longer text is cut (pma_governance.lib.fulltext.clean_query), not refused.
    q = forms.CharField(
        label="Rechercher",
        required=False,
        help_text="Mots de l'objet, des considérants, du dispositif, des débats et des "
        "procès-verbaux, ou numéro (« 2023/PMA00192 », « 00192 »). "
        '« "plan climat" » cherche l\'expression exacte, « -mot » exclut un mot, '
        "« OR » accepte l'un ou l'autre ; accents et pluriels sont ignorés.",
    )
    type = forms.ChoiceField(label="Documents", required=False, choices=KIND_CHOICES)
    annee = forms.TypedChoiceField(
        label="Année de la séance", required=False, coerce=int, empty_value=None
    )
    matiere = forms.ChoiceField(
        label="Matière", required=False, choices=matiere_choices(top_level=True)
    )
    resultat = forms.ChoiceField(
        label="Résultat du vote",
        required=False,
        choices=[
            ("", "Tous"),
            (Vote.Result.ADOPTED, "Adoptées"),
            (Vote.Result.REJECTED, "Rejetées"),
        ],
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes"), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
        for name in ("type", "annee", "matiere", "resultat"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def search(self) -> tuple[str, SearchFilters, list[str]]:
        """(words, valid filters, French notes on the values ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        ignored = [
            f"{self.fields[name].label} : {' '.join(str(e) for e in errors)} Ce filtre est ignoré."
            for name, errors in self.errors.items()
            if name in self.fields
        ]
        filters = SearchFilters(
            year=data.get("annee"),
            matiere=data.get("matiere") or "",
            result=data.get("resultat") or "",
            kind=data.get("type") or "",
        )
        return clean_query(data.get("q") or ""), filters, ignored
