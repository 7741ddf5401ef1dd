"""Forms of the prefecture follow-up: they validate and convert only.

The services (pma_governance.prefecture.services) check the act itself: its status, the
dates against the session and the signature, the identifier of the accusé de réception
against the act.
"""

from __future__ import annotations

from typing import Any

from django import forms

from pma_governance.lib.forms import BoundedForm, date_field

MAX_ANNEX_BYTES = 20 * 1024 * 1024  # 20 Mo
MAX_AR_BYTES = 64 * 1024  # an accusé de réception @ctes is a few hundred bytes
PDF_MAGIC = b"%PDF-"


class PrefectureSentForm(BoundedForm):
    """« Transmise le »: the day the signed act left for the contrôle de légalité."""

    sent_on = date_field("Transmise en préfecture le")


class PrefectureAckForm(BoundedForm):
    """The accusé de réception: its date and identifier (checked against the act by the service)."""

    received_on = date_field("Reçue en préfecture le", "Date portée par l'accusé de réception.")
    identifier = forms.CharField(
        label="Identifiant de l'accusé de réception",
        max_length=80,
        help_text="Par exemple 062-200060358-20230613-2023_PMA00192-DE "
        "(département-SIREN-date-numéro-nature).",
        error_messages={"required": "Indiquez l'identifiant de l'accusé de réception."},
    )

    def clean_identifier(self) -> str:
        return "".join(str(self.cleaned_data["identifier"]).split())


class PrefectureAckImportForm(BoundedForm):
    """The accusé de réception as the prefecture sends it: an `actes:ARActe` XML file."""

    file = forms.FileField(
        label="Accusé de réception @ctes (XML)",
        help_text="Le fichier XML reçu de la plateforme, 64 Ko au plus.",
        error_messages={
            "required": "Choisissez le fichier XML de l'accusé de réception.",
            "empty": "Le fichier envoyé est vide.",
            "invalid": "Aucun fichier n'a été reçu : choisissez de nouveau le fichier.",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_AR_BYTES:
                raise forms.ValidationError(
                    f"Le fichier pèse {upload.size // 1024} Ko : 64 Ko au plus."
                )
            cleaned["data"] = upload.read()
        return cleaned


class AnnexForm(BoundedForm):
    """An annex: a title and a PDF file of at most 20 Mo."""

    title = forms.CharField(
        label="Intitulé de l'annexe",
        max_length=300,
        error_messages={"required": "Indiquez l'intitulé de l'annexe."},
    )
    file = forms.FileField(
        label="Fichier PDF",
        help_text="PDF uniquement, 20 Mo au plus.",
        error_messages={
            "required": "Choisissez le fichier PDF de l'annexe.",
            "empty": "Le fichier envoyé est vide.",
            "invalid": "Aucun fichier n'a été reçu : choisissez de nouveau le fichier.",
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ANNEX_BYTES:
            raise forms.ValidationError(
                f"Le fichier pèse {upload.size / 1024 / 1024:.1f} Mo : 20 Mo au plus."
            )
        name = str(upload.name or "")
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if not name.lower().endswith(".pdf") or head != PDF_MAGIC:
            raise forms.ValidationError(f"« {name} » n'est pas un fichier PDF : PDF uniquement.")
        if len(name) > 150:
            raise forms.ValidationError("Le nom du fichier est trop long (150 caractères au plus).")
        return upload

    def annex(self) -> dict[str, Any]:
        """What `annex_add` takes: title, file name, bytes and type."""
        upload = self.cleaned_data["file"]
        return {
            "title": self.cleaned_data["title"].strip(),
            "filename": str(upload.name),
            "content": upload.read(),
            "content_type": "application/pdf",
        }
