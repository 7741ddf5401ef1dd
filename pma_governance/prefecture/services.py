"""Transmission to the prefecture (contrôle de légalité, DESIGN §6).

The @ctes archive itself is built by `pma_governance.prefecture.actes`. The services here
record the date sent and the accusé de réception — typed by hand or imported from the
prefecture's `actes:ARActe` XML — whose identifier must be this act's: never « reçu »
without it.
"""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deliberations.actes import nature_abbreviation
from deliberations.executoire import ack_change_problems, stamped_copy_when_due
from deliberations.models import (
    ACK_IDENTIFIER_RE,
    Deliberation,
    DeliberationAnnex,
)
from members.models import SecurityEvent
from members.security import record_event
from pma_governance.lib.actes_numbers import numero_interne
from pma_governance.lib.db import refused_when_frozen
from pma_governance.lib.pades import sha256_hex
from pma_governance.prefecture.actes import ACTES_NAMESPACE, department3

AR_MAX_BYTES = 64 * 1024  # an ARActe is a few hundred bytes
# The IDActe of an ACTES v1.1 ARActe, as the Ministry's schema writes it.
ACK_PATTERN = re.compile(
    r"^(?P<department>[0|9][0-9][A|B|0-9])-(?P<siren>[0-9]{9})-(?P<date>[0-9]{8})"
    r"-(?P<number>[a-zA-Z0-9_]{1,15})-(?P<nature>[A-Z]{2})$"
)


def internal_number(number: str) -> str:
    """The act's `NumeroInterne`: « 2023/PMA00192 » → « 2023_PMA00192 » (one rule, in lib)."""
    return numero_interne(number)


def _session_date(deliberation: Deliberation) -> dt.date:
    if deliberation.item is None:
        raise ValidationError("Cette délibération n'est rattachée à aucune séance.")
    return deliberation.item.session.date


def expected_identifier(deliberation: Deliberation) -> str:
    """« 062-200060358-20230613-2023_PMA00192-DE »: département-SIREN-date of the decision-
    NumeroInterne-nature, as the accusé de réception gives it."""
    body = deliberation.body
    return (
        f"{department3(body.department_code)}-{body.siren}-"
        f"{_session_date(deliberation):%Y%m%d}-{internal_number(deliberation.number or '')}-"
        f"{nature_abbreviation(deliberation.nature)}"
    )


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
    record_event(
        kind=SecurityEvent.Kind.TRANSMISSION,
        detail=f"Délibération n° {deliberation.number} transmise en préfecture le "
        f"{sent_on:%d/%m/%Y}.",
    )
    return deliberation


def identifier_problems(deliberation: Deliberation, identifier: str) -> list[str]:
    """Why `identifier` is not the acknowledgement of this act (empty when it is)."""
    match = ACK_PATTERN.match(identifier)
    if match is None or re.match(ACK_IDENTIFIER_RE, identifier) is None:
        return [
            f"L'identifiant « {identifier} » n'a pas la forme attendue, par exemple "
            "062-200060358-20230613-2023_PMA00192-DE (département-SIREN-date-numéro-nature)."
        ]
    body = deliberation.body
    expected = {
        "department": (department3(body.department_code), "le département"),
        "siren": (body.siren, "le SIREN de la collectivité"),
        "date": (f"{_session_date(deliberation):%Y%m%d}", "la date de la séance"),
        "number": (
            internal_number(deliberation.number or ""),
            "le numéro interne de l'acte (« / » devenu « _ »)",
        ),
        "nature": (nature_abbreviation(deliberation.nature), "la nature de l'acte"),
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
    """Record the accusé de réception: its date and the identifier, which must be this act's.

    Once the act is also published, its stamped copy (copie exécutoire) is made; from then
    on the accusé it states may no longer change."""
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
    problems += ack_change_problems(deliberation, received_on=received_on, identifier=identifier)
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
    record_event(
        kind=SecurityEvent.Kind.PREFECTURE_ACK,
        detail=f"Délibération n° {deliberation.number} : accusé de réception {identifier} du "
        f"{received_on:%d/%m/%Y}.",
    )
    # Already published: the act is now executory, its stamped copy is made.
    stamped_copy_when_due(deliberation=deliberation)
    return deliberation


def ar_acte_parse(data: bytes) -> tuple[str, dt.date]:
    """The identifier (`IDActe`) and date (`DateReception`) of an `actes:ARActe` XML."""
    if len(data) > AR_MAX_BYTES:
        raise ValidationError(
            f"Le fichier pèse {len(data) // 1024} Ko : un accusé de réception @ctes en pèse "
            f"{AR_MAX_BYTES // 1024} au plus."
        )
    # No DTD, hence no entity: nothing an accusé de réception needs, and no entity expansion.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValidationError("Le fichier contient une DTD : ce n'est pas un accusé @ctes.")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ValidationError(f"Le fichier n'est pas un XML lisible ({exc}).") from exc
    if root.tag != f"{{{ACTES_NAMESPACE}}}ARActe":
        raise ValidationError(
            "Le fichier n'est pas un accusé de réception @ctes (élément actes:ARActe attendu)."
        )
    identifier = (root.get(f"{{{ACTES_NAMESPACE}}}IDActe") or "").strip()
    raw_date = (root.get(f"{{{ACTES_NAMESPACE}}}DateReception") or "").strip()
    if not identifier:
        raise ValidationError("L'accusé de réception ne porte pas d'identifiant (IDActe).")
    try:
        received_on = dt.date.fromisoformat(raw_date)
    except ValueError as exc:
        raise ValidationError(
            f"La date de réception « {raw_date} » de l'accusé n'est pas une date (AAAA-MM-JJ)."
        ) from exc
    return identifier, received_on


def prefecture_import_ack(*, deliberation: Deliberation, data: bytes) -> Deliberation:
    """Record the accusé de réception from the prefecture's `actes:ARActe` XML."""
    identifier, received_on = ar_acte_parse(data)
    return prefecture_record_ack(
        deliberation=deliberation, received_on=received_on, identifier=identifier
    )
