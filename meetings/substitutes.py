"""Substitutes (suppléants): who may sit, with a vote, for which absent titulaire."""

from __future__ import annotations

from collections.abc import Sequence

from meetings.roll import (
    ProxyGrant,
    RollEntry,
    RuleProblem,
    is_present,
    match_substitutes,
    of_name,
    same_entity,
)


def _names(entries: Sequence[RollEntry]) -> str:
    names = [e.name for e in entries]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} et {names[-1]}"


def _outnumber_message(group: Sequence[RollEntry], seats: int, entity: str | None) -> str:
    of = f" {of_name(entity)}" if entity is not None else ""
    if len(group) == 1:
        sitting = f"1 suppléant{of} siège sans titulaire désigné ({_names(group)})"
    else:
        sitting = f"{len(group)} suppléants{of} siègent sans titulaire désigné ({_names(group)})"
    if seats == 0:
        free = f"qu'aucun titulaire{of} n'est absent sans avoir donné procuration"
    elif seats == 1:
        free = f"qu'un seul titulaire{of} est absent sans avoir donné procuration"
    else:
        free = f"que seuls {seats} titulaires{of} sont absents sans avoir donné procuration"
    return (
        f"{sitting} alors {free} ; un suppléant ne siège que pour un titulaire absent "
        "(CGCT L5212-7)."
    )


def check_substitutes(
    entries: Sequence[RollEntry],
    *,
    substitutes_allowed: bool,
    proxies: Sequence[ProxyGrant] = (),
) -> list[RuleProblem]:
    """Every problem with the suppléants seated at the opening of the session."""
    by_id = {e.member_id: e for e in entries}
    holders = {p.giver: p.holder for p in proxies if not p.revoked}
    seated = [e for e in entries if e.seated]
    problems: list[RuleProblem] = []

    if not substitutes_allowed:
        # Statutes: the body's rules say whether suppléants sit at all
        return [
            RuleProblem(
                "substitutes_not_allowed",
                f"Les statuts ne prévoient pas de suppléants : {e.name} ne peut siéger "
                "en suppléance.",
                e.member_id,
            )
            for e in seated
        ]

    sitting_for: dict[str, RollEntry] = {}
    unnamed: list[RollEntry] = []
    for sub in seated:
        if sub.role != "suppleant":
            problems.append(
                RuleProblem(
                    "substitute_not_suppleant",
                    f"{sub.name} est titulaire : seul un suppléant siège à la place d'un "
                    "titulaire absent.",
                    sub.member_id,
                )
            )
            continue
        if sub.status != "present":
            problems.append(
                RuleProblem(
                    "substitute_not_present",
                    f"{sub.name} ne peut siéger en suppléance sans assister à la séance.",
                    sub.member_id,
                )
            )
            continue
        if sub.replaces is None:
            unnamed.append(sub)
            continue
        titulaire = by_id.get(sub.replaces)
        if titulaire is None:
            problems.append(
                RuleProblem(
                    "substitute_unknown_titulaire",
                    f"{sub.name} siège en suppléance d'un membre inconnu (« {sub.replaces} »).",
                    sub.member_id,
                )
            )
            continue
        if titulaire.role != "titulaire":
            problems.append(
                RuleProblem(
                    "substitute_replaces_not_titulaire",
                    f"{sub.name} ne peut siéger en suppléance {of_name(titulaire.name)}, qui n'est "
                    "pas titulaire.",
                    sub.member_id,
                )
            )
            continue
        if is_present(titulaire, None):
            # CGCT L5212-7: a suppléant sits only when its titulaire is prevented
            problems.append(
                RuleProblem(
                    "substitute_titulaire_present",
                    f"{sub.name} ne peut siéger en suppléance {of_name(titulaire.name)}, qui assiste "
                    "à la séance.",
                    sub.member_id,
                )
            )
        if not same_entity(sub, titulaire):
            # CGCT L5212-7: a suppléant sits for a titulaire of its own collectivity
            problems.append(
                RuleProblem(
                    "substitute_other_entity",
                    f"{sub.name} ({sub.entity}) ne peut siéger en suppléance "
                    f"{of_name(titulaire.name)} ({titulaire.entity}) : un suppléant ne siège que pour "
                    "un titulaire de sa collectivité (CGCT L5212-7).",
                    sub.member_id,
                )
            )
        first = sitting_for.get(titulaire.member_id)
        if first is not None:
            problems.append(
                RuleProblem(
                    "substitute_duplicate",
                    f"{first.name} et {sub.name} siègent tous deux en suppléance "
                    f"{of_name(titulaire.name)} ; un seul suppléant peut siéger pour un titulaire.",
                    sub.member_id,
                )
            )
        else:
            sitting_for[titulaire.member_id] = sub
        holder = by_id.get(holders.get(titulaire.member_id, ""))
        if titulaire.member_id in holders:
            # CGCT L2121-20: no proxy where a suppléant of the same entity sits for the giver
            to_whom = f" à {holder.name}" if holder is not None else ""
            problems.append(
                RuleProblem(
                    "substitute_titulaire_gave_proxy",
                    f"{titulaire.name} a donné procuration{to_whom} : {sub.name} ne peut "
                    "siéger en suppléance de ce titulaire.",
                    sub.member_id,
                )
            )

    # DESIGN §7: without a named titulaire, suppléants may not outnumber the free seats
    open_seats = [
        t
        for t in entries
        if t.role == "titulaire"
        and not is_present(t, None)
        and t.member_id not in holders
        and t.member_id not in sitting_for
    ]
    _, unseated = match_substitutes(unnamed, open_seats)
    short = {s.member_id for s in unseated}
    groups: dict[str | None, list[RollEntry]] = {}
    for sub in unnamed:
        groups.setdefault(sub.entity, []).append(sub)
    for entity, group in groups.items():
        missing = [s for s in group if s.member_id in short]
        if missing:
            problems.append(
                RuleProblem(
                    "substitutes_outnumber",
                    _outnumber_message(group, len(group) - len(missing), entity),
                    missing[0].member_id,
                )
            )
    return problems
