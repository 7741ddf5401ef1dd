"""The open-data file: published deliberations in the SCDL « Délibérations » schema
(DESIGN §6), one CSV per body or for every body."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from deliberations.actes import MATIERES
from deliberations.models import Deliberation

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
