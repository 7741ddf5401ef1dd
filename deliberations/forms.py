"""Forms of the drafting of deliberations: they validate and convert, the services act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.html import escape

from deliberations.actes import MATIERES, NATURE_CHOICES
from deliberations.models import Deliberation, VisaTemplate
from deliberations.selectors import free_deliberation_items, visa_library
from deliberations.services import visa_text
from meetings.convocation import french_date
from meetings.forms import NOT_IN_OFFICE, MandateChoiceField, ProcesVerbalChoiceField
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body, Mandate
from members.selectors import mandates_open_on, members_in_office
from pma_governance.lib import limits
from pma_governance.lib.forms import BoundedForm
from pma_governance.lib.richtext import RichTextarea

Choices = list[tuple[str, Any]]


def matiere_choices(*, top_level: bool) -> Choices:
    """The ACTES matières grouped by their first level; `top_level` offers « 7 » itself.

    A deliberation is classified at the second level at least; a search may stay broader.
    """
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for code, label in MATIERES.items():
        if "." not in code:
            groups.append((f"{code} {label}", []))
            if top_level:
                groups[-1][1].append((code, f"{code} {label} (toute la matière)"))
        else:
            groups[-1][1].append((code, f"{code} {label}"))
    return [("", "— Choisir une matière —" if not top_level else "Toutes"), *groups]


class SessionFilterField(forms.ModelChoiceField[Session]):
    def label_from_instance(self, obj: Session) -> str:
        return f"{obj.body.short_name} — {french_date(obj.date, weekday=False)}"


class ItemChoiceField(forms.ModelChoiceField[AgendaItem]):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return f"Séance du {obj.session.date:%d/%m/%Y} — point {obj.position} : {obj.title}"


class DeliberationForm(BoundedForm):
    """A projet de délibération: objet, ACTES classification, visas, texts, agenda item."""

    title = forms.CharField(
        label="Objet",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="L'objet tel qu'il figurera dans l'acte et la liste des délibérations.",
    )
    nature = forms.ChoiceField(label="Nature de l'acte (ACTES)", choices=NATURE_CHOICES)
    matiere = forms.ChoiceField(
        label="Matière (classification ACTES)",
        choices=matiere_choices(top_level=False),
        error_messages={"required": "Choisissez la matière de l'acte dans la classification."},
    )
    budget_year = forms.IntegerField(
        label="Exercice budgétaire",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Seulement pour un acte budgétaire (données ouvertes SCDL).",
    )
    library_visas = forms.MultipleChoiceField(
        label="Visas de la bibliothèque",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez les visas à reprendre : ils figureront dans l'ordre de la bibliothèque.",
    )
    extra_visas = forms.CharField(
        label="Autres visas",
        required=False,
        max_length=limits.VISAS_TOTAL,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Un visa par ligne, sans « VU » ni point-virgule : ils suivent ceux cochés.",
    )
    considerants = forms.CharField(
        label="Texte des considérants ou de l'exposé",
        required=False,
        max_length=limits.CONSIDERANTS,
        widget=RichTextarea(
            toolbar_label="Mise en forme des considérants",
            attrs={"rows": 14, "spellcheck": "true"},
        ),
        # Help texts are rendered as HTML: the tag names must be escaped to show.
        help_text=escape(
            "Mise en forme permise : paragraphes <p>, gras <strong>, italique <em>, listes "
            "<ul>/<ol> et <li>, intertitres <h4>, retours à la ligne <br>. Toute autre balise "
            "est retirée à l'enregistrement ; un texte sans balise est découpé en paragraphes "
            "aux lignes vides."
        ),
    )
    dispositif = forms.CharField(
        label="Dispositif",
        max_length=limits.DISPOSITIF,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
        help_text="Texte simple (« DÉCIDE… », « AUTORISE… ») ; une ligne par alinéa.",
        error_messages={"required": "Rédigez le dispositif : c'est ce que l'assemblée décide."},
    )
    item = ItemChoiceField(
        label="Point de l'ordre du jour",
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label="— Pas encore inscrit à une séance —",
        help_text="Points « Délibération » non votés, sans autre projet.",
        error_messages={
            "invalid_choice": "Ce point n'est plus libre : il porte un autre projet ou a été voté."
        },
    )

    def __init__(
        self,
        *args: Any,
        body: Body,
        deliberation: Deliberation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.body = body
        self.library: list[VisaTemplate] = list(visa_library(body))
        self.fields["library_visas"].choices = [  # type: ignore[attr-defined]
            (str(v.pk), v.text) for v in self.library
        ]
        self.fields["item"].queryset = free_deliberation_items(  # type: ignore[attr-defined]
            body, deliberation
        )
        if deliberation is not None and not self.is_bound:
            by_text = {v.text: str(v.pk) for v in self.library}
            visas = list(deliberation.visas or [])
            self.initial.update(
                title=deliberation.title,
                nature=deliberation.nature,
                matiere=deliberation.matiere,
                budget_year=deliberation.budget_year,
                library_visas=[by_text[v] for v in visas if v in by_text],
                extra_visas="\n".join(v for v in visas if v not in by_text),
                considerants=deliberation.considerants,
                dispositif=deliberation.dispositif,
                item=deliberation.item_id,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = set(data.get("library_visas") or [])
        visas = [v.text for v in self.library if str(v.pk) in chosen]
        for line in (data.get("extra_visas") or "").splitlines():
            text = visa_text(line)
            if text and text not in visas:
                visas.append(text)
        data["visas"] = visas
        problem = limits.visas_problem(visas)
        if problem:
            self.add_error("extra_visas", problem)
        return data


class DeliberationFilterForm(BoundedForm):
    """Search and filters of the deliberation list (all optional)."""

    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    statut = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), *Deliberation.Status.choices]
    )
    seance = SessionFilterField(
        label="Séance", required=False, queryset=Session.objects.none(), empty_label="Toutes"
    )
    matiere = forms.ChoiceField(
        label="Matière", required=False, choices=matiere_choices(top_level=True)
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seance"].queryset = sessions  # type: ignore[attr-defined]
        for name in ("statut", "seance", "matiere"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is ignored rather than emptying the list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "text": data.get("q") or "",
            "status": data.get("statut") or "",
            "session": data.get("seance"),
            "matiere": data.get("matiere") or "",
        }


class VisaTemplateForm(BoundedForm):
    text = forms.CharField(
        label="Texte du visa",
        max_length=limits.VISA,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Sans « VU » ni point-virgule final, ex. : le Code général des collectivités "
        "territoriales et notamment ses articles L.5721-1 et suivants",
    )
    position = forms.IntegerField(
        label="Ordre",
        required=False,
        min_value=0,
        help_text="Les visas sont proposés et imprimés dans cet ordre ; vide : à la fin.",
    )

    def clean_text(self) -> str:
        text = visa_text(self.cleaned_data.get("text", ""))
        if not text:
            raise forms.ValidationError("Le texte du visa est vide.")
        return text


NEW_DRAFT = "new"


class AgendaItemForm(BoundedForm):
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

    def item_fields(self) -> dict[str, Any]:
        """The point as the services take it: nature, title, rapporteur, PV adopted, projet."""
        data = self.cleaned_data
        return {key: data[key] for key in ("kind", "title", "rapporteur", "adopts_pv", "draft")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        locked = self.session.agenda_locked_reason
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


class ItemMoveForm(BoundedForm):
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
        locked = self.item.session.agenda_locked_reason
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


class PositionItemChoiceField(forms.ModelChoiceField[AgendaItem]):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return f"Point {obj.position} : {obj.title}"


class DeportForm(BoundedForm):
    """The secretariat records a member's déport on an item not yet voted (L2131-11)."""

    item = PositionItemChoiceField(label="Point", queryset=AgendaItem.objects.none())
    mandate = MandateChoiceField(label="Membre", queryset=Mandate.objects.none())
    reason = forms.CharField(
        label="Motif",
        max_length=limits.NOT_VOTING_REASON,
        help_text="Ex. : présidente de l'Agence d'urbanisme de l'Artois.",
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = session.items.filter(  # type: ignore[attr-defined]
            kind__in=[AgendaItem.Kind.DELIBERATION, AgendaItem.Kind.PV_ADOPTION],
            vote__isnull=True,
        ).order_by("position")
        self.fields["mandate"].queryset = mandates_open_on(  # type: ignore[attr-defined]
            session.body, session.date
        )
