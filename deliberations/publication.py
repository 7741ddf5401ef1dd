"""Publication online (CGCT R2131-1) and the open-data file (SCDL « Délibérations »).

`deliberation_publish` and `pv_publish` put a signed act online: the public pages then
serve its signed PDF exactly as stored, with the publication date. `scdl_csv` writes the
published deliberations in the SCDL « Délibérations » schema (DESIGN §6).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deliberations.actes import MATIERES
from deliberations.models import Deliberation
from deliberations.storage import get_signed
from meetings.models import ProcesVerbal
from pma_governance.lib.db import refused_when_frozen

PUBLISHABLE_DELIBERATION = (Deliberation.Status.SIGNED, Deliberation.Status.TRANSMITTED)
PUBLISHABLE_PV = (ProcesVerbal.Status.SIGNED, ProcesVerbal.Status.ADOPTED)


def _date_problems(published_on: dt.date, signed_at: dt.datetime | None) -> list[str]:
    problems = []
    if published_on > timezone.localdate():
        problems.append(f"La date de publication ({published_on:%d/%m/%Y}) est dans le futur.")
    if signed_at is not None and published_on < timezone.localdate(signed_at):
        problems.append(
            f"La date de publication ({published_on:%d/%m/%Y}) précède la signature "
            f"({timezone.localdate(signed_at):%d/%m/%Y})."
        )
    return problems


@transaction.atomic
def deliberation_publish(*, deliberation: Deliberation, published_on: dt.date) -> Deliberation:
    """Publish a signed deliberation: its signed PDF goes online with the publication date."""
    # Lock the act: two publications at once must not both pass the checks.
    deliberation = (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=deliberation.pk)
    )
    label = f"La délibération n° {deliberation.number or '(projet)'}"
    if deliberation.status == Deliberation.Status.PUBLISHED:
        since = (
            f" depuis le {deliberation.published_on:%d/%m/%Y}" if deliberation.published_on else ""
        )
        raise ValidationError(f"{label} est déjà publiée{since}.")
    if deliberation.status not in PUBLISHABLE_DELIBERATION:
        raise ValidationError(f"{label} n'est pas signée : elle ne peut être publiée.")
    if get_signed("deliberation", deliberation=deliberation) is None:
        raise ValidationError(
            f"{label} n'a pas de PDF signé enregistré : elle ne peut être publiée."
        )
    problems = _date_problems(published_on, deliberation.signed_at)
    if problems:
        raise ValidationError(problems)
    deliberation.published_on = published_on
    deliberation.status = Deliberation.Status.PUBLISHED
    deliberation.full_clean()
    with refused_when_frozen():
        deliberation.save(update_fields=["published_on", "status"])
    return deliberation


@transaction.atomic
def pv_publish(*, pv: ProcesVerbal, published_on: dt.date) -> ProcesVerbal:
    """Publish a signed (or adopted) procès-verbal: its signed PDF goes online."""
    # Lock the PV: two publications at once must not both pass the checks.
    pv = (
        ProcesVerbal.objects.select_for_update(of=("self",)).select_related("session").get(pk=pv.pk)
    )
    label = f"Le procès-verbal de la séance du {pv.session.date:%d/%m/%Y}"
    if pv.status == ProcesVerbal.Status.PUBLISHED:
        since = f" depuis le {pv.published_on:%d/%m/%Y}" if pv.published_on else ""
        raise ValidationError(f"{label} est déjà publié{since}.")
    if pv.status not in PUBLISHABLE_PV:
        raise ValidationError(f"{label} n'est pas signé : il ne peut être publié.")
    if get_signed("pv", session=pv.session) is None:
        raise ValidationError(f"{label} n'a pas de PDF signé enregistré : il ne peut être publié.")
    problems = _date_problems(published_on, pv.signed_at)
    if problems:
        raise ValidationError(problems)
    pv.published_on = published_on
    pv.status = ProcesVerbal.Status.PUBLISHED
    pv.full_clean()
    with refused_when_frozen():
        pv.save(update_fields=["published_on", "status", "updated_at"])
    return pv


# --- Open data: SCDL « Délibérations » ---------------------------------------------------

# The schema's columns, in its order (DESIGN §6; schema.data.gouv.fr scdl/deliberations).
SCDL_COLUMNS = (
    "COLL_NOM",
    "COLL_SIRET",
    "DELIB_ID",
    "DELIB_DATE",
    "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM",
    "DELIB_OBJET",
    "BUDGET_ANNEE",
    "BUDGET_NOM",
    "PREF_ID",
    "PREF_DATE",
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
    "DELIB_URL",
)
# The schema requires BUDGET_NOM whenever BUDGET_ANNEE is given; acts record only the year.
DEFAULT_BUDGET_NAME = "Budget principal"
_NOT_IN_SCDL_NAME = re.compile(r"[,()]")


def scdl_matiere_code(code: str) -> str:
    """The ACTES matière at its second level, as the schema wants it: « 7.5.1 » → « 7.5 »."""
    return ".".join(code.split(".")[:2])


def _scdl_label(label: str) -> str:
    # Lower-case with accents, no comma nor parenthesis, no slash (it separates the levels).
    label = _NOT_IN_SCDL_NAME.sub("", label.lower()).replace("/", "-")
    return " ".join(label.split())


def scdl_matiere_name(code: str) -> str:
    """« finances locales/subventions »: level-1 title, a slash, level-2 title."""
    levels = code.split(".")
    names = [MATIERES.get(".".join(levels[: n + 1]), "") for n in range(min(len(levels), 2))]
    return "/".join(_scdl_label(name) for name in names if name)


def scdl_prefecture_id(department_code: str) -> str:
    """The entity doing the contrôle de légalité, as the schema codes it: « PREF062 »."""
    code = department_code.strip().upper()
    return f"PREF{code.zfill(3)}" if code else ""


def scdl_row(deliberation: Any, *, url: str) -> dict[str, str]:
    """One published deliberation as a row of the file; `in_office` comes from the selector."""
    body = deliberation.body
    item = deliberation.item
    vote = getattr(item, "vote", None) if item is not None else None
    received = deliberation.prefecture_received_on if deliberation.prefecture_identifier else None
    transmitted = deliberation.prefecture_sent_on is not None or received is not None
    budget_year = str(deliberation.budget_year) if deliberation.budget_year else ""
    in_office = getattr(deliberation, "in_office", None)
    row = {
        "COLL_NOM": body.name,
        "COLL_SIRET": body.siret,
        "DELIB_ID": deliberation.number or "",
        "DELIB_DATE": item.session.date.isoformat() if item is not None else "",
        "DELIB_MATIERE_CODE": scdl_matiere_code(deliberation.matiere),
        "DELIB_MATIERE_NOM": scdl_matiere_name(deliberation.matiere),
        "DELIB_OBJET": " ".join(deliberation.title.split()),
        "BUDGET_ANNEE": budget_year,
        "BUDGET_NOM": DEFAULT_BUDGET_NAME if budget_year else "",
        "PREF_ID": scdl_prefecture_id(body.department_code) if transmitted else "",
        "PREF_DATE": received.isoformat() if received is not None else "",
        "VOTE_EFFECTIF": "" if in_office is None else str(in_office),
        # VOTE_REEL: the votants (CGCT L2121-20: present + represented − not taking part).
        "VOTE_REEL": str(vote.voters) if vote is not None else "",
        "VOTE_POUR": str(vote.votes_for) if vote is not None else "",
        "VOTE_CONTRE": str(vote.votes_against) if vote is not None else "",
        # The schema has no column for blank and spoiled ballots (secret ballot only): like
        # abstentions they are not suffrages exprimés, and the schema checks that
        # VOTE_REEL = VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION (Validata sum-columns-value).
        "VOTE_ABSTENTION": str(vote.abstentions + vote.blank) if vote is not None else "",
        "DELIB_URL": url,
    }
    return row


def scdl_csv(
    deliberations: Iterable[Deliberation], *, url_for: Callable[[Deliberation], str]
) -> str:
    """The SCDL « Délibérations » file: UTF-8 CSV, comma-separated, ISO dates, header first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCDL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for deliberation in deliberations:
        writer.writerow(scdl_row(deliberation, url=url_for(deliberation)))
    return buffer.getvalue()
