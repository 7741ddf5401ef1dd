"""Forms of the member register: they validate and convert; the services act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from members.models import Mandate, MemberEntity, Person, SecurityEvent
from pma_governance.lib.forms import BoundedForm
from pma_governance.lib.personal_certificates import MAX_UPLOAD_BYTES


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as AAAA-MM-JJ."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": "Saisissez une date valide (JJ/MM/AAAA)."},
    )


class RegisterFilterForm(BoundedForm):
    """The register's GET form: date, member entity, history."""

    date = _date("Membres en exercice le", required=False)
    adherent = forms.ModelChoiceField(
        label="Membre adhérent",
        queryset=MemberEntity.objects.none(),
        required=False,
        empty_label="Tous les membres adhérents",
    )
    historique = forms.BooleanField(
        label="Afficher aussi les mandats terminés et à venir", required=False
    )

    def __init__(self, *args: Any, entities: QuerySet[MemberEntity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adherent"].queryset = entities  # type: ignore[attr-defined]


class _MandateFields(BoundedForm):
    entity = forms.ModelChoiceField(
        label="Membre adhérent",
        queryset=MemberEntity.objects.none(),
        required=False,
        empty_label="— Aucun —",
    )
    role = forms.ChoiceField(label="Qualité", choices=Mandate.Role.choices)
    office = forms.CharField(
        label="Fonction",
        max_length=120,
        required=False,
        help_text="Président, Vice-président… ; laisser vide pour un simple membre.",
    )
    start_date = _date("Début du mandat")
    external_id = forms.SlugField(
        label="Identifiant d'échange",
        max_length=60,
        required=False,
        help_text="Laissé vide, il est formé à partir du nom (ex. : laversin).",
        error_messages={
            "invalid": "Lettres minuscules sans accents, chiffres et tirets seulement."
        },
    )

    def __init__(self, *args: Any, entities: QuerySet[MemberEntity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities  # type: ignore[attr-defined]


class PersonForm(BoundedForm):
    """A person's identity and contact."""

    civility = forms.ChoiceField(label="Civilité", choices=Person.Civility.choices)
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    last_name = forms.CharField(label="Nom", max_length=100)
    email = forms.EmailField(
        label="Courriel",
        required=False,
        error_messages={"invalid": "Saisissez une adresse électronique valide."},
    )
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    paper_convocation = forms.BooleanField(
        label="Convocation aussi sur papier",
        required=False,
        help_text=(
            "L'élu a demandé à recevoir aussi la convocation par courrier (CGCT L2121-10) : "
            "il figure sur la liste d'envoi postal. Le courriel reste envoyé."
        ),
    )


class PersonCreateForm(PersonForm, _MandateFields):
    """A new person and their first mandate, in one form."""

    field_order = [
        "civility",
        "first_name",
        "last_name",
        "email",
        "phone",
        "paper_convocation",
        "entity",
        "role",
        "office",
        "start_date",
        "external_id",
    ]


class MandateForm(_MandateFields):
    """A further mandate for an existing person."""

    end_date = _date("Fin du mandat", required=False, help_text="Laisser vide s'il est en cours.")


class MandateEndForm(BoundedForm):
    end_date = _date("Dernier jour du mandat")


class MandatePromoteForm(BoundedForm):
    day = _date(
        "Titulaire à compter du",
        help_text="Le mandat de suppléant prend fin la veille.",
    )
    office = forms.CharField(
        label="Fonction",
        max_length=120,
        required=False,
        help_text="Président, Vice-président… ; laisser vide pour un simple membre.",
    )


class EntityForm(BoundedForm):
    name = forms.CharField(label="Nom", max_length=200)
    short_name = forms.CharField(label="Sigle", max_length=40)
    seats = forms.IntegerField(
        label="Sièges de titulaires",
        min_value=1,
        max_value=999,
        error_messages={"min_value": "Au moins un siège de titulaire."},
    )


class SecurityJournalFilterForm(forms.Form):
    """The security journal's GET form: kind of event, account, period."""

    kind = forms.ChoiceField(
        label="Événement",
        choices=[("", "Tous les événements"), *SecurityEvent.Kind.choices],
        required=False,
        error_messages={"invalid_choice": "Choisissez un événement de la liste."},
    )
    user = forms.CharField(label="Compte (identifiant)", max_length=150, required=False)
    start = _date("Du", required=False)
    end = _date("Au", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "La date de fin précède la date de début.")
        return cleaned


class CertificateForm(forms.Form):
    """A person's signing certificate: the file and the passphrase that opens it.

    The passphrase only checks the file here (and re-wraps the key); it is never stored
    and the form never shows it back.
    """

    file = forms.FileField(
        label="Certificat (PKCS#12 .p12/.pfx, ou PEM avec la clé privée chiffrée)",
        help_text=f"{MAX_UPLOAD_BYTES // 1024} Ko au plus.",
    )
    passphrase = forms.CharField(
        label="Phrase secrète du certificat",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
        help_text="Vérifie que le fichier s'ouvre ; elle n'est jamais conservée. Le titulaire "
        "la saisira à chaque signature.",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"Fichier trop volumineux : un certificat pèse quelques kilo-octets "
                f"({MAX_UPLOAD_BYTES // 1024} Ko au plus)."
            )
        return bytes(upload.read(MAX_UPLOAD_BYTES + 1))
