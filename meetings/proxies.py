"""Proxies (pouvoirs): which ones are legal, and who may hold a given member's proxy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from meetings.roll import (
    ProxyGrant,
    RollEntry,
    RuleProblem,
    attends_from,
    is_present,
    is_voting_member,
    of_name,
)

# CGCT L2121-20: a proxy is valid for three consecutive sessions at most, save illness
MAX_CONSECUTIVE_SESSIONS = 3


@dataclass(frozen=True)
class ProxyRules:
    """The body's proxy rules."""

    max_per_holder: int = 1
    substitutes: bool = True


def _when(from_item: int | None) -> str:
    return "à l'ouverture de la séance" if from_item is None else f"au point n° {from_item}"


def _holder_limit(holder: str, count: int, limit: int) -> str:
    if limit <= 0:
        allowed = "le règlement n'autorise aucune procuration"
    elif limit == 1:
        allowed = "un membre ne peut en détenir qu'une seule"
    else:
        allowed = f"un membre ne peut en détenir plus de {limit}"
    return f"{holder} détient {count} procurations ; {allowed} (CGCT L2121-20)."


def check_proxies(
    entries: Sequence[RollEntry], proxies: Sequence[ProxyGrant], rules: ProxyRules
) -> list[RuleProblem]:
    """Every problem with the session's proxies, in the order they were given."""
    by_id = {e.member_id: e for e in entries}
    problems: list[RuleProblem] = []
    givers: set[str] = set()
    held: Counter[str] = Counter()

    for grant in proxies:
        if grant.revoked:
            continue
        giver = by_id.get(grant.giver)
        holder = by_id.get(grant.holder)
        if giver is None:
            problems.append(
                RuleProblem(
                    "proxy_unknown_giver",
                    f"Procuration : le mandant « {grant.giver} » ne figure pas parmi les membres.",
                    grant.giver,
                )
            )
        if holder is None:
            problems.append(
                RuleProblem(
                    "proxy_unknown_holder",
                    f"Procuration : le mandataire « {grant.holder} » ne figure pas parmi les "
                    "membres.",
                    grant.holder,
                )
            )
        if giver is None or holder is None:
            continue
        if giver.member_id == holder.member_id:
            problems.append(
                RuleProblem(
                    "proxy_self",
                    f"{giver.name} ne peut se donner procuration à lui-même.",
                    giver.member_id,
                )
            )
            continue
        if giver.member_id in givers:
            problems.append(
                RuleProblem(
                    "proxy_duplicate_giver",
                    f"{giver.name} a donné plus d'une procuration pour la séance ; "
                    "un membre ne donne qu'un seul pouvoir (CGCT L2121-20).",
                    giver.member_id,
                )
            )
            continue
        givers.add(giver.member_id)
        held[holder.member_id] += 1

        if giver.role != "titulaire":
            problems.append(
                RuleProblem(
                    "proxy_giver_not_titulaire",
                    f"{giver.name} n'est pas membre titulaire : seul un titulaire absent peut "
                    "donner procuration.",
                    giver.member_id,
                )
            )
        if is_present(giver, grant.from_item):
            problems.append(
                RuleProblem(
                    "proxy_giver_present",
                    f"{giver.name} siège {_when(grant.from_item)}, quand sa procuration prend "
                    "effet ; seul un membre absent peut donner procuration (CGCT L2121-20).",
                    giver.member_id,
                )
            )
        if not is_voting_member(holder):
            problems.append(
                RuleProblem(
                    "proxy_holder_not_voting",
                    f"{holder.name} ne peut recevoir la procuration {of_name(giver.name)} : "
                    "un suppléant qui ne siège pas n'a pas voix délibérative.",
                    holder.member_id,
                )
            )
        elif not attends_from(holder, grant.from_item):
            problems.append(
                RuleProblem(
                    "proxy_holder_not_present",
                    f"{holder.name} ne peut recevoir la procuration {of_name(giver.name)} : "
                    "le mandataire doit assister à la séance (CGCT L2121-20).",
                    holder.member_id,
                )
            )
        if rules.substitutes:
            for sub in entries:
                if (
                    sub.role == "suppleant"
                    and sub.seated
                    and sub.replaces == giver.member_id
                    and attends_from(sub, grant.from_item)
                ):
                    problems.append(
                        RuleProblem(
                            "proxy_giver_substituted",
                            f"{sub.name} siège en suppléance {of_name(giver.name)} : la procuration "
                            f"{of_name(giver.name)} n'est donc pas admise.",
                            giver.member_id,
                        )
                    )
                    break
        if grant.consecutive_sessions > MAX_CONSECUTIVE_SESSIONS and not grant.illness:
            problems.append(
                RuleProblem(
                    "proxy_too_many_sessions",
                    f"La procuration {of_name(giver.name)} couvre {grant.consecutive_sessions} "
                    "séances consécutives ; un pouvoir ne vaut que pour trois séances "
                    "consécutives, sauf maladie dûment constatée (CGCT L2121-20).",
                    giver.member_id,
                )
            )

    for member_id, count in held.items():
        # CGCT L2121-20: one proxy per member (the body may set its own limit)
        if count > rules.max_per_holder:
            problems.append(
                RuleProblem(
                    "proxy_holder_limit",
                    _holder_limit(by_id[member_id].name, count, rules.max_per_holder),
                    member_id,
                )
            )
    return problems


def legal_holders(
    entries: Sequence[RollEntry],
    proxies: Sequence[ProxyGrant],
    giver_id: str,
    rules: ProxyRules,
    position: int | None = None,
) -> list[str]:
    """Ids of the members who may legally hold `giver_id`'s proxy from `position` on.

    The giver's current proxy, if any, is set aside (choosing a holder replaces it); a
    candidate is legal when adding the proxy raises no problem that was not already there.
    """
    if giver_id not in {e.member_id for e in entries}:
        return []
    others = [p for p in proxies if p.giver != giver_id and not p.revoked]
    before = set(check_proxies(entries, others, rules))
    legal: list[str] = []
    for candidate in entries:
        if candidate.member_id == giver_id:
            continue
        grant = ProxyGrant(giver=giver_id, holder=candidate.member_id, from_item=position)
        if set(check_proxies(entries, [*others, grant], rules)) <= before:
            legal.append(candidate.member_id)
    return legal
