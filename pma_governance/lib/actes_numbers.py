"""The act's number as @ctes writes it (`NumeroInterne`, ACTES v1.1-20040216).

One rule, documented in the README: every character outside `[A-Za-z0-9_]` becomes « _ »,
so « 2023/PMA00192 » gives `2023_PMA00192`. The result must hold 1 to 15 characters; a
numbering pattern whose numbers would exceed that is refused when the body is configured.
"""

from __future__ import annotations

import re

NUMERO_INTERNE_MAX = 15
NUMERO_INTERNE_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_FORBIDDEN = re.compile(r"[^A-Za-z0-9_]")
# The widest number a pattern is checked with: a four-digit year, five-digit sequence.
_CHECK_YEAR = 2099
_CHECK_SEQ = 99999


def numero_interne(number: str) -> str:
    """« 2023/PMA00192 » → `2023_PMA00192` (each character outside [A-Za-z0-9_] → « _ »)."""
    return _FORBIDDEN.sub("_", number.strip())


def numero_interne_problem(number: str) -> str | None:
    """Why `number` has no valid `NumeroInterne` (None when it has one)."""
    value = numero_interne(number)
    if NUMERO_INTERNE_RE.match(value) is None:
        return (
            f"Le numéro « {number} » donne le numéro interne @ctes « {value} », qui dépasse "
            f"{NUMERO_INTERNE_MAX} caractères ou est vide : @ctes le refuserait."
        )
    return None


def numbering_pattern_problem(pattern: str, *, short: str) -> str | None:
    """Why numbers written with `pattern` cannot map to a valid `NumeroInterne` (or None).

    Checked with the widest ordinary number (year 2099, sequence 99999); a pattern that does
    not format at all is left to the numbering rules, which say why.
    """
    try:
        sample = pattern.format(year=_CHECK_YEAR, short=short, seq=_CHECK_SEQ)
    except (KeyError, IndexError, ValueError):
        return None
    value = numero_interne(sample)
    if len(value) > NUMERO_INTERNE_MAX:
        return (
            f"Avec le modèle « {pattern} », un numéro comme « {sample} » donne le numéro "
            f"interne @ctes « {value} » ({len(value)} caractères) : @ctes en accepte "
            f"{NUMERO_INTERNE_MAX} au plus. Raccourcissez le modèle ou le sigle."
        )
    return None
