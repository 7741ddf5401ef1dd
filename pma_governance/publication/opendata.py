"""The open-data file: published deliberations in the SCDL « Délibérations » schema
(DESIGN §6), one CSV per body or for every body."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from deliberations.actes import MATIERES
from deliberations.models import Deliberation
from pma_governance.lib.siret import siret_is_valid

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
# The schema's patterns (SCDL « Délibérations » 2.1.5) that the writer must meet.
_MATIERE_CODE_RE = re.compile(r"^\d\.\d{1,2}$")
_PREF_ID_RE = re.compile(r"^(PREF[0-9]{2}[0-9AB]|SPREF[0-9]{2}[0-9AB][0-9]|SGAR[0-9]{3})$")
# COLL_NOM … DELIB_OBJET, the columns the schema requires: without them, no row.
_REQUIRED = SCDL_COLUMNS[:7]

logger = logging.getLogger(__name__)


def scdl_matiere_code(code: str) -> str:
    """The ACTES matière at its second level, as the schema wants it: « 7.5.1 » → « 7.5 »."""
    return ".".join(code.split(".")[:2])


def _scdl_label(label: str) -> str:
    # Lower-case with accents, no comma nor parenthesis, no slash (it separates the levels).
    label = _NOT_IN_SCDL_NAME.sub("", label.lower()).replace("/", "-")
    return " ".join(label.split())


def scdl_matiere_name(code: str) -> str:
    """« finances locales/subventions »: the ACTES level-1 heading, a slash, the level-2
    heading; empty unless both levels are in the nomenclature."""
    levels = code.split(".")
    if len(levels) < 2:
        return ""
    names = [MATIERES.get(".".join(levels[: n + 1]), "") for n in range(2)]
    return "/".join(_scdl_label(name) for name in names) if all(names) else ""


def scdl_prefecture_id(department_code: str) -> str:
    """The entity doing the contrôle de légalité, as the schema codes it: « PREF062 »."""
    code = department_code.strip().upper()
    prefecture = f"PREF{code.zfill(3)}" if code else ""
    return prefecture if _PREF_ID_RE.match(prefecture) else ""


def _budget_year(deliberation: Any) -> str:
    year = deliberation.budget_year
    return str(year) if year and 1000 <= year <= 9999 else ""


def _vote_columns(vote: Any, in_office: int | None) -> dict[str, str]:
    if vote is None:
        return {"VOTE_EFFECTIF": "" if in_office is None else str(in_office)}
    # The schema has no column for blank and spoiled ballots (secret ballot only): like
    # abstentions they are not suffrages exprimés, and the schema checks that
    # VOTE_REEL = VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION (Validata sum-columns-value).
    abstentions = vote.abstentions + vote.blank
    columns = {
        # VOTE_REEL: the votants (CGCT L2121-20: present + represented − not taking part).
        "VOTE_REEL": str(vote.voters),
        "VOTE_POUR": str(vote.votes_for),
        "VOTE_CONTRE": str(vote.votes_against),
        "VOTE_ABSTENTION": str(abstentions),
    }
    if vote.voters != vote.votes_for + vote.votes_against + abstentions:
        columns = {}  # the database refuses such a vote; never publish figures that disagree
    # More votants than members in office means the register is incomplete at that date:
    # the (optional) effectif is left out rather than published wrong.
    if in_office is not None and in_office >= vote.voters:
        columns["VOTE_EFFECTIF"] = str(in_office)
    return columns


def scdl_row(deliberation: Any, *, url: str) -> dict[str, str]:
    """One published deliberation as a row of the file; `in_office` comes from the selector.

    Optional columns that would contradict the others are left empty; `scdl_gaps` tells
    whether the required ones are there.
    """
    body = deliberation.body
    item = deliberation.item
    vote = getattr(item, "vote", None) if item is not None else None
    decided = item.session.date if item is not None else None
    received = deliberation.prefecture_received_on if deliberation.prefecture_identifier else None
    if received is not None and decided is not None and received < decided:
        received = None  # an act cannot be received before it is adopted: a typing error
    transmitted = deliberation.prefecture_sent_on is not None or received is not None
    budget_year = _budget_year(deliberation)
    row = dict.fromkeys(SCDL_COLUMNS, "")
    row.update(
        {
            "COLL_NOM": " ".join(body.name.split()),
            "COLL_SIRET": body.siret,
            "DELIB_ID": deliberation.number or "",
            "DELIB_DATE": decided.isoformat() if decided is not None else "",
            "DELIB_MATIERE_CODE": scdl_matiere_code(deliberation.matiere),
            "DELIB_MATIERE_NOM": scdl_matiere_name(deliberation.matiere),
            "DELIB_OBJET": " ".join(deliberation.title.split()),
            # The schema wants the budget's year and name together, or neither.
            "BUDGET_ANNEE": budget_year,
            "BUDGET_NOM": DEFAULT_BUDGET_NAME if budget_year else "",
            "PREF_ID": scdl_prefecture_id(body.department_code) if transmitted else "",
            "DELIB_URL": url,
        }
    )
    row["PREF_DATE"] = received.isoformat() if received is not None and row["PREF_ID"] else ""
    row.update(_vote_columns(vote, getattr(deliberation, "in_office", None)))
    return row


def scdl_gaps(row: dict[str, str]) -> list[str]:
    """Why a row cannot be in the file (empty when it can): a required column is missing,
    the SIRET's key is wrong, or the act is classified at the first ACTES level only."""
    gaps = [f"{column} manquant" for column in _REQUIRED if not row[column]]
    if row["COLL_SIRET"] and not siret_is_valid(row["COLL_SIRET"]):
        gaps.append(f"SIRET {row['COLL_SIRET']} invalide (clé de contrôle)")
    if row["DELIB_MATIERE_CODE"] and not _MATIERE_CODE_RE.match(row["DELIB_MATIERE_CODE"]):
        gaps.append(f"matière {row['DELIB_MATIERE_CODE']} non classée au 2e niveau ACTES")
    return gaps


def scdl_csv(
    deliberations: Iterable[Deliberation], *, url_for: Callable[[Deliberation], str]
) -> str:
    """The SCDL « Délibérations » file: UTF-8 CSV, comma-separated, ISO dates, header first;
    only the rows the schema accepts."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCDL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for deliberation in deliberations:
        row = scdl_row(deliberation, url=url_for(deliberation))
        gaps = scdl_gaps(row)
        if gaps:
            # data.gouv.fr refuses a whole file for one invalid row: the act stays on the
            # public pages and is left out here until the body or the act is completed.
            logger.warning("SCDL : délibération %s omise (%s)", row["DELIB_ID"], "; ".join(gaps))
            continue
        writer.writerow(row)
    return buffer.getvalue()
