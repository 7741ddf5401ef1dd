"""Transmission to the prefecture (contrôle de légalité, DESIGN §6).

`prefecture_zip` gives, for one signed deliberation, the ZIP to hand to the transmission
service: the signed PDF as stored, its annexes and the ACTES metadata (XML in the shape of
the ACTES v1.1 `Acte` message, and the same as JSON). The services record the date sent and
the acknowledgement (date and identifier, checked against the act): never « reçu » without
the identifier.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deliberations.actes import NATURES, matiere_label, nature_abbreviation
from deliberations.models import (
    ACK_IDENTIFIER_RE,
    Deliberation,
    DeliberationAnnex,
)
from deliberations.storage import document_filename, stored_pdf
from pma_governance.lib.db import refused_when_frozen
from pma_governance.lib.pades import sha256_hex

ACTES_NAMESPACE = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"
ACK_PATTERN = re.compile(
    r"^(?P<department>\d{3})-(?P<siren>\d{9})-(?P<date>\d{8})-(?P<number>[A-Za-z0-9_]+)"
    r"-(?P<nature>[A-Z]{2})$"
)
FILENAME_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ActesMetadata:
    """What the contrôle de légalité needs to know about an act (ACTES nomenclature)."""

    nature_code: str  # « 1 »
    nature: str  # « DE »
    matiere_code: str  # « 7.5 » (1 to 5 levels)
    matiere: str
    internal_number: str  # « 2023PMA00192 »: the number, without its slash
    number: str  # « 2023/PMA00192 »
    decision_date: dt.date
    objet: str


def internal_number(number: str) -> str:
    """The act's number as ACTES and the acknowledgement write it: « 2023PMA00192 »."""
    return re.sub(r"[^A-Za-z0-9_]", "", number)


def _session_date(deliberation: Deliberation) -> dt.date:
    if deliberation.item is None:
        raise ValidationError("Cette délibération n'est rattachée à aucune séance.")
    return deliberation.item.session.date


def actes_metadata(deliberation: Deliberation) -> ActesMetadata:
    number = deliberation.number or ""
    return ActesMetadata(
        nature_code=deliberation.nature,
        nature=nature_abbreviation(deliberation.nature),
        matiere_code=deliberation.matiere,
        matiere=matiere_label(deliberation.matiere),
        internal_number=internal_number(number),
        number=number,
        decision_date=_session_date(deliberation),
        objet=deliberation.title,
    )


def expected_identifier(deliberation: Deliberation) -> str:
    """« 062-200060358-20230613-2023PMA00192-DE »: département-SIREN-date-number-nature."""
    body = deliberation.body
    meta = actes_metadata(deliberation)
    return (
        f"{body.department_code}-{body.siren}-{meta.decision_date:%Y%m%d}-"
        f"{meta.internal_number}-{meta.nature}"
    )


# --- Export ------------------------------------------------------------------------------


def _annex_filename(annex: DeliberationAnnex, index: int) -> str:
    safe = FILENAME_SAFE.sub("-", annex.filename).strip("-.") or f"annexe-{index}"
    return f"annexes/{index:02d}-{safe}"


def actes_xml(meta: ActesMetadata, document: str, annexes: list[str]) -> bytes:
    """The metadata as an ACTES v1.1 `Acte` element (classification date left to the sender)."""
    ns = ACTES_NAMESPACE
    ElementTree.register_namespace("actes", ns)
    acte = ElementTree.Element(
        f"{{{ns}}}Acte",
        {
            f"{{{ns}}}Date": meta.decision_date.isoformat(),
            f"{{{ns}}}NumeroInterne": meta.internal_number,
            f"{{{ns}}}CodeNatureActe": meta.nature_code,
        },
    )
    for level, code in enumerate(meta.matiere_code.split(".")[:5], start=1):
        ElementTree.SubElement(acte, f"{{{ns}}}CodeMatiere{level}", {f"{{{ns}}}CodeMatiere": code})
    ElementTree.SubElement(acte, f"{{{ns}}}Objet").text = meta.objet
    doc = ElementTree.SubElement(acte, f"{{{ns}}}Document")
    ElementTree.SubElement(doc, f"{{{ns}}}NomFichier").text = document
    if annexes:
        group = ElementTree.SubElement(
            acte, f"{{{ns}}}Annexes", {f"{{{ns}}}Nombre": str(len(annexes))}
        )
        for name in annexes:
            annex = ElementTree.SubElement(group, f"{{{ns}}}Annexe")
            ElementTree.SubElement(annex, f"{{{ns}}}NomFichier").text = name
    ElementTree.indent(acte)
    return ElementTree.tostring(acte, encoding="utf-8", xml_declaration=True)


def _zip_entry(name: str, when: dt.date) -> zipfile.ZipInfo:
    # A fixed date per act: the same act always gives the same ZIP bytes.
    info = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def prefecture_zip(deliberation: Deliberation) -> bytes:
    """The ZIP for the contrôle de légalité: signed PDF, annexes, ACTES metadata."""
    deliberation = Deliberation.objects.select_related("body", "item__session").get(
        pk=deliberation.pk
    )
    if not deliberation.is_signed:
        raise ValidationError(
            f"La délibération n° {deliberation.number or '(projet)'} n'est pas signée : elle ne "
            "peut être transmise en préfecture."
        )
    pdf = stored_pdf("deliberation", deliberation=deliberation)
    if pdf is None:
        raise ValidationError(
            f"Le PDF signé de la délibération n° {deliberation.number} est introuvable."
        )
    meta = actes_metadata(deliberation)
    document = document_filename("deliberation", deliberation=deliberation)
    annexes = list(deliberation.annexes.order_by("position", "id"))
    annex_names = [_annex_filename(a, i) for i, a in enumerate(annexes, start=1)]
    files: list[tuple[str, bytes]] = [(document, pdf)]
    files += [(name, bytes(a.content)) for name, a in zip(annex_names, annexes, strict=True)]
    metadata: dict[str, Any] = {
        "nature_code": meta.nature_code,
        "nature": meta.nature,
        "nature_label": NATURES[meta.nature_code][1],
        "matiere_code": meta.matiere_code,
        "matiere": meta.matiere,
        "numero_interne": meta.internal_number,
        "numero": meta.number,
        "date_decision": meta.decision_date.isoformat(),
        "objet": meta.objet,
        "collectivite": {
            "nom": deliberation.body.name,
            "siren": deliberation.body.siren,
            "departement": deliberation.body.department_code,
        },
        "document": {"fichier": document, "sha256": sha256_hex(pdf)},
        "annexes": [
            {"fichier": name, "intitule": a.title, "sha256": a.sha256}
            for name, a in zip(annex_names, annexes, strict=True)
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(_zip_entry(name, meta.decision_date), data)
        archive.writestr(
            _zip_entry("actes.xml", meta.decision_date), actes_xml(meta, document, annex_names)
        )
        archive.writestr(
            _zip_entry("metadonnees.json", meta.decision_date),
            json.dumps(metadata, ensure_ascii=False, indent=2).encode(),
        )
    return buffer.getvalue()


# --- Annexes -------------------------------------------------------------------------------


@transaction.atomic
def annex_add(
    *,
    deliberation: Deliberation,
    title: str,
    filename: str,
    content: bytes,
    content_type: str = "application/pdf",
) -> DeliberationAnnex:
    """Annex a document to a deliberation (refused once the act is sent to the prefecture)."""
    # Lock the act: an annex must not slip in while it is being transmitted.
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    if deliberation.status in {Deliberation.Status.TRANSMITTED, Deliberation.Status.PUBLISHED}:
        raise ValidationError(
            f"La délibération n° {deliberation.number} est transmise : aucune annexe ne peut "
            "plus lui être ajoutée."
        )
    if not content:
        raise ValidationError("Le fichier de l'annexe est vide.")
    last = deliberation.annexes.order_by("-position").values_list("position", flat=True).first()
    annex = DeliberationAnnex(
        deliberation=deliberation,
        position=(last or 0) + 1,
        title=title,
        filename=filename,
        content_type=content_type,
        content=content,
        sha256=sha256_hex(content),
    )
    annex.full_clean(exclude=["content"])
    with refused_when_frozen():
        annex.save()
    return annex


# --- Sent and acknowledged ------------------------------------------------------------------


def _locked_signed(deliberation: Deliberation) -> Deliberation:
    # Lock the act: two recordings at once must not interleave their checks and writes.
    deliberation = (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("body", "item__session")
        .get(pk=deliberation.pk)
    )
    if not deliberation.is_signed:
        raise ValidationError(
            f"La délibération n° {deliberation.number or '(projet)'} n'est pas signée : sa "
            "transmission en préfecture ne peut être enregistrée."
        )
    return deliberation


def _transmitted(deliberation: Deliberation) -> None:
    if deliberation.status == Deliberation.Status.SIGNED:
        deliberation.status = Deliberation.Status.TRANSMITTED


@transaction.atomic
def prefecture_record_sent(*, deliberation: Deliberation, sent_on: dt.date) -> Deliberation:
    """Record the date the signed act was sent to the prefecture."""
    deliberation = _locked_signed(deliberation)
    decided = _session_date(deliberation)
    if sent_on < decided:
        raise ValidationError(
            f"La date de transmission ({sent_on:%d/%m/%Y}) précède la séance du {decided:%d/%m/%Y}."
        )
    if sent_on > timezone.localdate():
        raise ValidationError(f"La date de transmission ({sent_on:%d/%m/%Y}) est dans le futur.")
    received = deliberation.prefecture_received_on
    if received is not None and sent_on > received:
        raise ValidationError(
            f"La date de transmission ({sent_on:%d/%m/%Y}) suit celle de l'accusé de réception "
            f"({received:%d/%m/%Y})."
        )
    deliberation.prefecture_sent_on = sent_on
    _transmitted(deliberation)
    deliberation.full_clean()
    with refused_when_frozen():
        deliberation.save(update_fields=["prefecture_sent_on", "status"])
    return deliberation


def identifier_problems(deliberation: Deliberation, identifier: str) -> list[str]:
    """Why `identifier` is not the acknowledgement of this act (empty when it is)."""
    match = ACK_PATTERN.match(identifier)
    if match is None or re.match(ACK_IDENTIFIER_RE, identifier) is None:
        return [
            f"L'identifiant « {identifier} » n'a pas la forme attendue, par exemple "
            "062-200060358-20230613-2023PMA00192-DE (département-SIREN-date-numéro-nature)."
        ]
    body = deliberation.body
    meta = actes_metadata(deliberation)
    expected = {
        "department": (body.department_code, "le département"),
        "siren": (body.siren, "le SIREN de la collectivité"),
        "date": (f"{meta.decision_date:%Y%m%d}", "la date de la séance"),
        "number": (meta.internal_number, "le numéro de l'acte (sans barre oblique)"),
        "nature": (meta.nature, "la nature de l'acte"),
    }
    return [
        f"L'identifiant porte « {match[part]} » où {label} donne « {value} »."
        for part, (value, label) in expected.items()
        if match[part] != value
    ]


@transaction.atomic
def prefecture_record_ack(
    *, deliberation: Deliberation, received_on: dt.date, identifier: str
) -> Deliberation:
    """Record the accusé de réception: its date and the identifier, which must be this act's."""
    deliberation = _locked_signed(deliberation)
    identifier = identifier.strip()
    sent = deliberation.prefecture_sent_on
    if sent is None:
        raise ValidationError(
            "Enregistrez d'abord la date de transmission en préfecture, puis l'accusé de réception."
        )
    problems = []
    if received_on < sent:
        problems.append(
            f"L'accusé de réception ({received_on:%d/%m/%Y}) précède la transmission "
            f"({sent:%d/%m/%Y})."
        )
    if received_on > timezone.localdate():
        problems.append(f"La date de réception ({received_on:%d/%m/%Y}) est dans le futur.")
    problems += identifier_problems(deliberation, identifier)
    if problems:
        raise ValidationError(problems)
    deliberation.prefecture_received_on = received_on
    deliberation.prefecture_identifier = identifier
    _transmitted(deliberation)
    deliberation.full_clean()
    with refused_when_frozen():
        deliberation.save(
            update_fields=["prefecture_received_on", "prefecture_identifier", "status"]
        )
    return deliberation
