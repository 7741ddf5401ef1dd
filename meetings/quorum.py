"""Quorum: the threshold from members in office and whether a session or item meets it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Fraction = Literal["1/2", "1/3"]

# CGCT L2121-17: a reconvened session sits at least three days after the failed one
RECONVENE_MIN_DAYS = 3


@dataclass(frozen=True)
class QuorumRules:
    """The body's quorum rules (statutes of the syndicat mixte, else the CGCT)."""

    fraction: Fraction = "1/2"
    # CGCT L2121-17: proxies do not count toward the quorum unless the statutes say so
    counts_proxies: bool = False


@dataclass(frozen=True)
class QuorumResult:
    """The quorum figures stated in the PV, at the opening or for one item."""

    in_office: int
    threshold: int
    present: int
    represented: int
    counted: int
    met: bool
    reconvened: bool = False


def quorum_threshold(in_office: int, fraction: Fraction) -> int:
    """Members needed: `1/2` → more than half, `1/3` → at least a third."""
    if in_office < 0:
        raise ValueError(f"Le nombre de membres en exercice ne peut être négatif ({in_office}).")
    if in_office == 0:
        return 0
    if fraction == "1/2":
        # CGCT L2121-17: the majority of members in office
        return in_office // 2 + 1
    if fraction == "1/3":
        # Statutes may lower it to a third: ⌈n/3⌉ members
        return -(-in_office // 3)
    raise ValueError(f"Fraction de quorum inconnue : « {fraction} » (attendu « 1/2 » ou « 1/3 »).")


def quorum_check(
    *,
    in_office: int,
    present: int,
    represented: int,
    rules: QuorumRules,
    reconvened: bool = False,
) -> QuorumResult:
    """Check the quorum; `reconvened` is a session reconvened on items carried over."""
    for label, value in (
        ("membres en exercice", in_office),
        ("membres présents", present),
        ("membres représentés", represented),
    ):
        if value < 0:
            raise ValueError(f"Le nombre de {label} ne peut être négatif ({value}).")
    if present + represented > in_office:
        raise ValueError(
            f"Les membres présents ({present}) et représentés ({represented}) sont plus "
            f"nombreux que les membres en exercice ({in_office})."
        )
    counted = present + represented if rules.counts_proxies else present
    if reconvened:
        # CGCT L2121-17: after a failed quorum the reconvened session deliberates without one
        return QuorumResult(
            in_office=in_office,
            threshold=0,
            present=present,
            represented=represented,
            counted=counted,
            met=True,
            reconvened=True,
        )
    threshold = quorum_threshold(in_office, rules.fraction)
    return QuorumResult(
        in_office=in_office,
        threshold=threshold,
        present=present,
        represented=represented,
        counted=counted,
        met=counted >= threshold,
    )


def reconvened_delay_ok(failed_on: date, reconvened_on: date) -> bool:
    """Whether the reconvened session is at least three days after the failed one."""
    # CGCT L2121-17: « à trois jours au moins d'intervalle »
    return (reconvened_on - failed_on).days >= RECONVENE_MIN_DAYS


def quorum_message(result: QuorumResult) -> str:
    """The PV sentence, e.g. « 17 membres présents ou représentés, quorum de 12 atteint »."""
    with_proxies = result.counted == result.present + result.represented
    if result.counted == 1:
        figure = "1 membre présent ou représenté" if with_proxies else "1 membre présent"
    else:
        who = "présents ou représentés" if with_proxies else "présents"
        figure = f"{result.counted} membres {who}"
    if result.reconvened:
        return f"{figure}, séance sans condition de quorum (CGCT L2121-17)"
    verdict = "atteint" if result.met else "non atteint"
    return f"{figure}, quorum de {result.threshold} {verdict}"
