"""The checks of a session document against itself, the database and the CGCT, after the
schema: unknown or repeated mandate ids, the body's rules and numbering, the roll with its
arrivals and departures, substitutes (CGCT L5212-7) and proxies (L2121-20), a reconvened
session (L2121-17), a session whose signed acts forbid replacing it; each item is checked
by `items`. The rules are those of the pure rule modules (`meetings.roll`, `quorum`,
`proxies`, `substitutes`, `deliberations.numbering`): this module reads the document for
them and locates each of their problems by JSON path.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from deliberations.models import SIGNED_STATUSES, Deliberation
from deliberations.numbering import format_number
from meetings.facts import quorum_failed, quorum_rules
from meetings.models import Session
from meetings.proxies import ProxyRules, check_proxies
from meetings.quorum import QuorumRules, reconvened_delay_ok
from meetings.roll import ProxyGrant, RollEntry, RuleProblem
from meetings.services import proxy_rules
from meetings.substitutes import check_substitutes
from members.models import Body
from pma_governance.interchange.findings import Findings, count, obj, objects, one_of, text
from pma_governance.interchange.items import ItemContext, check_item
from pma_governance.interchange.schema import parse_date

DEFAULT_NUMBERING = "{year}/{short}{seq:05d}"


def check_document(doc: Mapping[str, Any]) -> Findings:
    """Every problem of a document the schema cannot see, by JSON path."""
    f = Findings()
    body_doc = obj(doc.get("body"))
    short = text(body_doc.get("short_name"))
    body = Body.objects.filter(short_name=short).first() if short else None
    quorum, proxy = _rules(body_doc, body)
    pattern = body.numbering_pattern if body is not None else _numbering(f, body_doc, short)
    mandates = _mandates(f, doc.get("mandates"))

    s = obj(doc.get("session"))
    f.date = date = parse_date(s.get("date"))
    president = f.ref(s, "president", "$.session", mandates)
    f.ref(s, "secretary", "$.session", mandates)
    present = f.ids(s.get("present"), "$.session.present", mandates)
    excused = f.ids(s.get("excused"), "$.session.excused", mandates)
    for index, mid in enumerate(excused):
        if mid in present:
            f.add(f"$.session.excused[{index}]", f"« {mid} » est aussi déclaré présent.")
    f.reconvenes = _reconvenes(f, s, body, date)

    # Items: arrivals and departures first, since the roll depends on them.
    items = objects(s.get("items"))
    arrived, left = _movements(f, items, mandates)
    seated = _substitutes(f, s, mandates)
    grants, proxy_paths = _proxies(f, s, mandates)
    entries = _entries(mandates, present, excused, arrived, left, seated, grants)
    for mid in arrived:
        if mid in present:
            f.add(
                "$.session.present",
                f"« {mid} » est déclaré présent à l'ouverture et arrivé en cours de séance.",
            )
    for problem in check_substitutes(
        entries, substitutes_allowed=proxy.substitutes, proxies=grants
    ):
        f.add(_substitute_path(s, problem), problem.message)
    proxy_problems = check_proxies(entries, grants, proxy)
    for path, problem in zip(
        _proxy_paths(proxy_paths, grants, proxy_problems, proxy),
        proxy_problems,
        strict=True,
    ):
        f.add(path, problem.message)

    context = ItemContext(
        body=body,
        short=short,
        pattern=pattern,
        date=date,
        mandates=mandates,
        entries=entries,
        grants=grants,
        in_office=_in_office(mandates, date),
        rules=quorum,
        reconvened=f.reconvenes is not None,
        president=president,
    )
    numbers: dict[str, int] = {}
    for index, item in enumerate(items):
        check_item(f, context, item, index, numbers)
    if president and president not in present and president not in arrived:
        f.add("$.session.president", f"le président de séance « {president} » n'est pas présent.")
    if body is not None and date is not None:
        current = Session.objects.filter(body=body, date=date).first()
        if current is not None and _is_frozen(current):
            f.add(
                "$.session.date",
                f"la séance du {date:%d/%m/%Y} a des actes signés : elle ne peut être remplacée.",
            )
    return f


# --- The body and its members --------------------------------------------------------------


def _rules(body_doc: Mapping[str, Any], body: Body | None) -> tuple[QuorumRules, ProxyRules]:
    """The rules of the body when it exists, else those the document gives."""
    if body is not None:
        return quorum_rules(body), proxy_rules(body)
    rules = obj(body_doc.get("rules"))
    fraction = rules.get("quorum_fraction", "1/2")
    # CGCT L2121-17 unless the statutes say otherwise: proxies do not count.
    counts_proxies = rules.get("quorum_counts_proxies", False)
    max_per_holder = count(rules.get("max_proxies_per_holder", 1)) or 1
    substitutes = rules.get("substitutes", True)
    return (
        QuorumRules(
            fraction=fraction if one_of(fraction, {"1/2", "1/3"}) else "1/2",
            counts_proxies=counts_proxies if isinstance(counts_proxies, bool) else False,
        ),
        ProxyRules(
            max_per_holder=max_per_holder,
            substitutes=substitutes if isinstance(substitutes, bool) else True,
        ),
    )


def _numbering(f: Findings, body_doc: Mapping[str, Any], short: str) -> str | None:
    """The numbering pattern the document gives a new body, None when it is unusable."""
    pattern = body_doc.get("numbering", DEFAULT_NUMBERING)
    if not isinstance(pattern, str) or "{seq" not in pattern:
        return None
    try:
        format_number(pattern, year=2000, short=short, seq=1)
    except ValueError as exc:
        f.add("$.body.numbering", str(exc))
        return None
    return pattern


def _mandates(f: Findings, raw: Any) -> dict[str, Mapping[str, Any]]:
    """The document's mandates by id; a repeated id is a problem."""
    mandates: dict[str, Mapping[str, Any]] = {}
    for index, mandate in enumerate(objects(raw)):
        mid = text(mandate.get("id"))
        if mid in mandates:
            f.add(f"$.mandates[{index}].id", f"identifiant « {mid} » en double.")
        elif mid:
            mandates[mid] = mandate
    return mandates


def _in_office(mandates: Mapping[str, Mapping[str, Any]], day: dt.date | None) -> int:
    """Members in office on `day`: titulaire mandates open on that day (DESIGN §3)."""
    if day is None:
        return 0
    return sum(1 for m in mandates.values() if m.get("role") == "titulaire" and _open_on(m, day))


def _open_on(mandate: Mapping[str, Any], day: dt.date) -> bool:
    start, end = parse_date(mandate.get("start")), parse_date(mandate.get("end"))
    return (start is None or start <= day) and (end is None or end >= day)


# --- The session and its roll ----------------------------------------------------------------


def _reconvenes(
    f: Findings, s: Mapping[str, Any], body: Body | None, date: dt.date | None
) -> Session | None:
    """The failed session this one reconvenes (CGCT L2121-17), when it may."""
    failed_on = parse_date(s.get("reconvened_from"))
    if failed_on is None or date is None:
        return None
    failed = Session.objects.filter(body=body, date=failed_on).first() if body else None
    path = "$.session.reconvened_from"
    if failed is None:
        f.add(path, f"aucune séance du {failed_on:%d/%m/%Y} n'est connue pour cette assemblée.")
    elif not quorum_failed(failed):
        f.add(
            path,
            f"la séance du {failed_on:%d/%m/%Y} a réuni son quorum : seule une séance "
            "sans quorum peut être reconvoquée (CGCT L2121-17).",
        )
    if not reconvened_delay_ok(failed_on, date):
        f.add(
            path,
            "une séance reconvoquée faute de quorum se tient au moins trois jours après "
            "(CGCT L2121-17).",
        )
    return failed


def _movements(
    f: Findings, items: Sequence[Mapping[str, Any]], mandates: Collection[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Who arrives and who leaves, at which item's position."""
    arrived: dict[str, int] = {}
    left: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"$.session.items[{index}]"
        for key, target in (("arrived", arrived), ("left", left)):
            for mid in f.ids(item.get(key), f"{path}.{key}", mandates):
                if mid in target:
                    f.add(
                        f"{path}.{key}",
                        f"« {mid} » change déjà de présence au point {target[mid]}.",
                    )
                target[mid] = index + 1
    for mid, position in left.items():
        if mid in arrived and arrived[mid] >= position:
            f.add(
                f"$.session.items[{position - 1}].left",
                f"« {mid} » part avant d'être arrivé (point {arrived[mid]}).",
            )
    return arrived, left


def _substitutes(
    f: Findings, s: Mapping[str, Any], mandates: Collection[str]
) -> dict[str, str | None]:
    """The seated suppléants, with the titulaire each replaces when the document says."""
    seated: dict[str, str | None] = {}
    for index, sub in enumerate(objects(s.get("substitutes"))):
        path = f"$.session.substitutes[{index}]"
        member = f.ref(sub, "member", path, mandates)
        replaces = f.ref(sub, "replaces", path, mandates) or None
        if member:
            if member in seated:
                f.add(f"{path}.member", f"« {member} » siège déjà.")
            seated[member] = replaces
    return seated


def _proxies(
    f: Findings, s: Mapping[str, Any], mandates: Collection[str]
) -> tuple[list[ProxyGrant], list[str]]:
    """The proxies between known mandates, and the path of each."""
    grants: list[ProxyGrant] = []
    paths: list[str] = []
    for index, proxy in enumerate(objects(s.get("proxies"))):
        path = f"$.session.proxies[{index}]"
        giver = f.ref(proxy, "from", path, mandates)
        holder = f.ref(proxy, "to", path, mandates)
        if giver and holder:
            illness = proxy.get("illness") is True
            grants.append(ProxyGrant(giver=giver, holder=holder, illness=illness))
            paths.append(path)
    return grants, paths


def _entries(
    mandates: Mapping[str, Mapping[str, Any]],
    present: Collection[str],
    excused: Collection[str],
    arrived: Mapping[str, int],
    left: Mapping[str, int],
    seated: Mapping[str, str | None],
    grants: Sequence[ProxyGrant],
) -> list[RollEntry]:
    """The roll as the rules read it: absent unless said present, excused or a giver."""
    statuses: dict[str, str] = {mid: "present" for mid in present}
    statuses.update({mid: "present" for mid in arrived})
    statuses.update({mid: "excused" for mid in excused})
    for grant in grants:
        statuses.setdefault(grant.giver, "excused")
    return [
        RollEntry(
            member_id=mid,
            name=_name(m) or mid,
            role="titulaire" if m.get("role") == "titulaire" else "suppleant",
            status=statuses.get(mid, "absent"),  # type: ignore[arg-type]
            entity=m.get("entity") if isinstance(m.get("entity"), str) else None,
            seated=mid in seated,
            replaces=seated.get(mid),
            arrived_at=arrived.get(mid) if mid not in present else None,
            left_at=left.get(mid),
        )
        for mid, m in mandates.items()
    ]


def _name(mandate: Mapping[str, Any]) -> str:
    return f"{mandate.get('first_name', '')} {mandate.get('last_name', '')}".strip()


# Rule problems about the substitute's own seat, and about the titulaire it replaces.
_SUBSTITUTE_REPLACES_CODES = {
    "substitute_unknown_titulaire",
    "substitute_replaces_not_titulaire",
    "substitute_titulaire_present",
    "substitute_other_entity",
    "substitute_duplicate",
    "substitute_titulaire_gave_proxy",
}


def _substitute_path(session_doc: Mapping[str, Any], problem: RuleProblem) -> str:
    """`$.session.substitutes[i].member` or `.replaces`: the field the problem is about."""
    key = "replaces" if problem.code in _SUBSTITUTE_REPLACES_CODES else "member"
    for index, sub in enumerate(objects(session_doc.get("substitutes"))):
        if sub.get("member") == problem.member_id:
            return f"$.session.substitutes[{index}].{key}"
    return "$.session.substitutes"


# Rule problems about a proxy's giver (`from`) and about its holder (`to`).
_PROXY_FROM_CODES = {
    "proxy_unknown_giver",
    "proxy_duplicate_giver",
    "proxy_giver_not_titulaire",
    "proxy_giver_present",
    "proxy_giver_substituted",
}
_PROXY_TO_CODES = {
    "proxy_self",
    "proxy_unknown_holder",
    "proxy_holder_not_voting",
    "proxy_holder_not_present",
    "proxy_holder_limit",
}


def _proxy_paths(
    paths: Sequence[str],
    grants: Sequence[ProxyGrant],
    problems: Sequence[RuleProblem],
    rules: ProxyRules,
) -> list[str]:
    """The path of each problem: the proxy at fault and its `from` or `to` field.

    A member may appear in several proxies (a holder of two, a giver of two): the problems
    about them come in the proxies' order, so the n-th such problem is the n-th proxy.
    """
    seen: Counter[tuple[str, str | None]] = Counter()
    located: list[str] = []
    for problem in problems:
        member = problem.member_id
        if problem.code in _PROXY_TO_CODES:
            key = "to"
            candidates = [
                path
                for path, grant in zip(paths, grants, strict=True)
                if grant.holder == member
                and (grant.giver == grant.holder) == (problem.code == "proxy_self")
            ]
        else:
            key = "from" if problem.code in _PROXY_FROM_CODES else ""
            candidates = [
                path for path, grant in zip(paths, grants, strict=True) if grant.giver == member
            ]
        if problem.code == "proxy_holder_limit":
            rank = rules.max_per_holder  # the first proxy beyond the limit
        elif problem.code == "proxy_duplicate_giver":
            rank = 1 + seen[(problem.code, member)]  # the second proxy of the giver
        elif problem.code in _PROXY_TO_CODES:
            rank = seen[(problem.code, member)]
        else:
            rank = 0
        seen[(problem.code, member)] += 1
        if rank < len(candidates):
            located.append(f"{candidates[rank]}.{key}" if key else candidates[rank])
        else:
            located.append("$.session.proxies")
    return located


def _is_frozen(session: Session) -> bool:
    """Whether the session has signed acts (DESIGN §4.6: it may not be replaced)."""
    pv = getattr(session, "pv", None)
    return (pv is not None and pv.is_signed) or Deliberation.objects.filter(
        item__session=session, status__in=SIGNED_STATUSES
    ).exists()
