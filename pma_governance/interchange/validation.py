"""Validating a session document: every problem by JSON path, or the plan to write it.

`validate_document` lists every problem of a document by JSON path without touching the
database's rows, and returns the write plan when there is none.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from deliberations.actes import MATIERES, NATURES
from deliberations.facts import FORMAT
from deliberations.majority import Tally, VoteError, decide, tally_from_roll_call
from deliberations.models import Deliberation, Vote
from deliberations.numbering import parse_number
from meetings.facts import quorum_failed
from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.proxies import ProxyRules, check_proxies
from meetings.quorum import QuorumRules, quorum_check, quorum_message
from meetings.roll import ProxyGrant, RollEntry, RuleProblem, roll_at
from meetings.substitutes import check_substitutes
from members.models import Body

ITEM_KINDS = {choice.value for choice in AgendaItem.Kind}
VOTED_KINDS = {AgendaItem.Kind.PV_ADOPTION.value, AgendaItem.Kind.DELIBERATION.value}
BALLOTS = {choice.value for choice in Vote.Ballot}


@dataclass(frozen=True)
class Problem:
    """One problem of a document, located by its JSON path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path} : {self.message}"


class DocumentError(Exception):
    """A document refused: every problem, nothing written."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass
class _Checker:
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.add(path, "un objet JSON est attendu.")
            return {}
        return value

    def lst(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, "une liste JSON est attendue.")
            return []
        return value

    def text(self, parent: Mapping[str, Any], key: str, path: str, *, required: bool) -> str:
        value = parent.get(key)
        if value is None or value == "":
            if required:
                self.add(f"{path}.{key}", "valeur obligatoire manquante.")
            return ""
        if not isinstance(value, str):
            self.add(f"{path}.{key}", "une chaîne de caractères est attendue.")
            return ""
        return value

    def boolean(self, parent: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = parent.get(key, default)
        if not isinstance(value, bool):
            self.add(f"{path}.{key}", "true ou false est attendu.")
            return default
        return value

    def count(self, parent: Mapping[str, Any], key: str, path: str) -> int:
        value = parent.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.add(f"{path}.{key}", "un nombre entier positif ou nul est attendu.")
            return 0
        return value

    def date(
        self, parent: Mapping[str, Any], key: str, path: str, *, required: bool
    ) -> dt.date | None:
        raw = self.text(parent, key, path, required=required)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.add(f"{path}.{key}", f"date invalide « {raw} » (format AAAA-MM-JJ attendu).")
            return None

    def time(self, parent: Mapping[str, Any], key: str, path: str) -> dt.time | None:
        raw = self.text(parent, key, path, required=False)
        if not raw:
            return None
        try:
            return dt.time.fromisoformat(raw)
        except ValueError:
            self.add(f"{path}.{key}", f"heure invalide « {raw} » (format HH:MM attendu).")
            return None


@dataclass
class Plan:
    """A validated document, ready to be written."""

    body: Mapping[str, Any]
    mandates: list[Mapping[str, Any]]
    session: Mapping[str, Any]
    date: dt.date
    reconvenes: Session | None


def _rules(body_doc: Mapping[str, Any], existing: Body | None) -> tuple[QuorumRules, ProxyRules]:
    if existing is not None:
        return (
            QuorumRules(
                fraction=existing.quorum_fraction,  # type: ignore[arg-type]
                counts_proxies=existing.quorum_counts_proxies,
            ),
            ProxyRules(
                max_per_holder=existing.max_proxies_per_holder,
                substitutes=existing.substitutes_sit,
            ),
        )
    rules = body_doc.get("rules") or {}
    return (
        QuorumRules(
            fraction=rules.get("quorum_fraction", "1/2"),
            counts_proxies=rules.get("quorum_counts_proxies", True),
        ),
        ProxyRules(
            max_per_holder=rules.get("max_proxies_per_holder", 1),
            substitutes=rules.get("substitutes", True),
        ),
    )


def _parse_json_rules(c: _Checker, body_doc: Mapping[str, Any]) -> None:
    rules = c.obj(body_doc.get("rules", {}), "$.body.rules")
    if not _one_of(rules.get("quorum_fraction", "1/2"), {"1/2", "1/3"}):
        c.add("$.body.rules.quorum_fraction", "« 1/2 » ou « 1/3 » attendu.")
    c.boolean(rules, "quorum_counts_proxies", "$.body.rules", True)
    c.boolean(rules, "substitutes", "$.body.rules", True)
    max_proxies = rules.get("max_proxies_per_holder", 1)
    if not isinstance(max_proxies, int) or isinstance(max_proxies, bool) or max_proxies < 1:
        c.add("$.body.rules.max_proxies_per_holder", "un entier supérieur ou égal à 1 est attendu.")
    pattern = body_doc.get("numbering", "{year}/{short}{seq:05d}")
    if not isinstance(pattern, str) or "{seq" not in pattern:
        c.add("$.body.numbering", "le modèle de numérotation doit contenir {seq}.")


def _one_of(value: Any, choices: Collection[str]) -> bool:
    """Whether a JSON value is one of the allowed strings (lists and objects never are)."""
    return isinstance(value, str) and value in choices


def _ids(c: _Checker, values: Any, path: str, known: Mapping[str, Mapping[str, Any]]) -> list[str]:
    ids: list[str] = []
    for index, value in enumerate(c.lst(values, path)):
        if not isinstance(value, str) or value not in known:
            c.add(f"{path}[{index}]", f"identifiant de mandat inconnu : {value!r}.")
        elif value in ids:
            c.add(f"{path}[{index}]", f"« {value} » figure deux fois.")
        else:
            ids.append(value)
    return ids


def _ref(
    c: _Checker, parent: Mapping[str, Any], key: str, path: str, known: Mapping[str, Any]
) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in known:
        c.add(f"{path}.{key}", f"identifiant de mandat inconnu : {value!r}.")
        return None
    return value


def _name(mandate: Mapping[str, Any]) -> str:
    return f"{mandate.get('first_name', '')} {mandate.get('last_name', '')}".strip()


def validate_document(
    data: Any, *, lookup_body: Callable[[str], Body | None] | None = None
) -> tuple[list[Problem], Plan | None]:
    """Every problem of a document, by JSON path; the write plan when there is none."""
    c = _Checker()
    doc = c.obj(data, "$")
    if not doc:
        return c.problems, None
    if doc.get("format") != FORMAT:
        c.add("$.format", f"format « {FORMAT} » attendu, reçu {doc.get('format')!r}.")
    body_doc = c.obj(doc.get("body"), "$.body")
    short = c.text(body_doc, "short_name", "$.body", required=True)
    c.text(body_doc, "name", "$.body", required=True)
    _parse_json_rules(c, body_doc)
    lookup = lookup_body or (lambda s: Body.objects.filter(short_name=s).first())
    existing_body = lookup(short) if short else None
    quorum_rules, proxy_rules = _rules(body_doc, existing_body)
    pattern = (
        existing_body.numbering_pattern
        if existing_body is not None
        else str(body_doc.get("numbering", "{year}/{short}{seq:05d}"))
    )

    # Mandates.
    mandates: dict[str, Mapping[str, Any]] = {}
    for index, raw in enumerate(c.lst(doc.get("mandates"), "$.mandates")):
        path = f"$.mandates[{index}]"
        m = c.obj(raw, path)
        mid = c.text(m, "id", path, required=True)
        c.text(m, "last_name", path, required=True)
        if not _one_of(m.get("civility"), {"M.", "Mme"}):
            c.add(f"{path}.civility", "« M. » ou « Mme » attendu.")
        if not _one_of(m.get("role"), {"titulaire", "suppléant", "suppleant"}):
            c.add(f"{path}.role", "« titulaire » ou « suppléant » attendu.")
        c.date(m, "start", path, required=False)
        c.date(m, "end", path, required=False)
        if mid in mandates:
            c.add(f"{path}.id", f"identifiant « {mid} » en double.")
        elif mid:
            mandates[mid] = m

    s = c.obj(doc.get("session"), "$.session")
    date = c.date(s, "date", "$.session", required=True)
    c.time(s, "time", "$.session")
    c.time(s, "end_time", "$.session")
    c.date(s, "convened_on", "$.session", required=False)
    president = _ref(c, s, "president", "$.session", mandates)
    _ref(c, s, "secretary", "$.session", mandates)
    present = _ids(c, s.get("present"), "$.session.present", mandates)
    excused = _ids(c, s.get("excused"), "$.session.excused", mandates)
    for index, mid in enumerate(excused):
        if mid in present:
            c.add(f"$.session.excused[{index}]", f"« {mid} » est aussi déclaré présent.")

    reconvenes: Session | None = None
    reconvened_from = c.date(s, "reconvened_from", "$.session", required=False)
    if reconvened_from is not None and date is not None:
        reconvenes = (
            Session.objects.filter(body=existing_body, date=reconvened_from).first()
            if existing_body
            else None
        )
        if reconvenes is None:
            c.add(
                "$.session.reconvened_from",
                f"aucune séance du {reconvened_from:%d/%m/%Y} n'est connue pour cette assemblée.",
            )
        elif not quorum_failed(reconvenes):
            c.add(
                "$.session.reconvened_from",
                f"la séance du {reconvened_from:%d/%m/%Y} a réuni son quorum : seule une séance "
                "sans quorum peut être reconvoquée (CGCT L2121-17).",
            )
        if (date - reconvened_from).days < 3:
            c.add(
                "$.session.reconvened_from",
                "une séance reconvoquée faute de quorum se tient au moins trois jours après "
                "(CGCT L2121-17).",
            )

    # Items: positions, arrivals and departures first, since the roll depends on them.
    raw_items = c.lst(s.get("items"), "$.session.items")
    item_docs = [c.obj(raw, f"$.session.items[{i}]") for i, raw in enumerate(raw_items)]
    arrived: dict[str, int] = {}
    left: dict[str, int] = {}
    for index, item in enumerate(item_docs):
        path = f"$.session.items[{index}]"
        for key, target in (("arrived", arrived), ("left", left)):
            for mid in _ids(c, item.get(key), f"{path}.{key}", mandates):
                if mid in target:
                    c.add(
                        f"{path}.{key}",
                        f"« {mid} » change déjà de présence au point {target[mid]}.",
                    )
                target[mid] = index + 1
    for mid, position in left.items():
        if mid in arrived and arrived[mid] >= position:
            c.add(
                f"$.session.items[{position - 1}].left",
                f"« {mid} » part avant d'être arrivé (point {arrived[mid]}).",
            )

    # Substitutes and proxies.
    seated: dict[str, str | None] = {}
    for index, raw in enumerate(c.lst(s.get("substitutes"), "$.session.substitutes")):
        path = f"$.session.substitutes[{index}]"
        sub = c.obj(raw, path)
        member = _ref(c, sub, "member", path, mandates)
        if "member" not in sub:
            c.add(f"{path}.member", "valeur obligatoire manquante.")
        replaces = _ref(c, sub, "replaces", path, mandates)
        if member is not None:
            if member in seated:
                c.add(f"{path}.member", f"« {member} » siège déjà.")
            seated[member] = replaces
    grants: list[ProxyGrant] = []
    proxy_paths: list[str] = []
    for index, raw in enumerate(c.lst(s.get("proxies"), "$.session.proxies")):
        path = f"$.session.proxies[{index}]"
        p = c.obj(raw, path)
        giver = _ref(c, p, "from", path, mandates)
        holder = _ref(c, p, "to", path, mandates)
        for key in ("from", "to"):
            if key not in p:
                c.add(f"{path}.{key}", "valeur obligatoire manquante.")
        c.date(p, "received_on", path, required=False)
        illness = c.boolean(p, "illness", path, False)
        if giver and holder:
            grants.append(ProxyGrant(giver=giver, holder=holder, illness=illness))
            proxy_paths.append(path)

    statuses: dict[str, str] = {mid: "present" for mid in present}
    statuses.update({mid: "present" for mid in arrived})
    statuses.update({mid: "excused" for mid in excused})
    for grant in grants:
        statuses.setdefault(grant.giver, "excused")
    entries: list[RollEntry] = []
    for mid, m in mandates.items():
        entries.append(
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
        )
    for mid in arrived:
        if mid in present:
            c.add(
                "$.session.present",
                f"« {mid} » est déclaré présent à l'ouverture et arrivé en cours de séance.",
            )

    if date is not None:
        in_office = [
            mid
            for mid, m in mandates.items()
            if m.get("role") == "titulaire" and _open_on(c, m, date)
        ]
    else:
        in_office = []

    for problem in check_substitutes(
        entries, substitutes_allowed=proxy_rules.substitutes, proxies=grants
    ):
        c.add(_substitute_path(s, problem), problem.message)
    proxy_problems = check_proxies(entries, grants, proxy_rules)
    for path, problem in zip(
        _proxy_paths(proxy_paths, grants, proxy_problems, proxy_rules),
        proxy_problems,
        strict=True,
    ):
        c.add(path, problem.message)

    # Items themselves.
    numbers: dict[str, int] = {}
    for index, item in enumerate(item_docs):
        _validate_item(
            c,
            item,
            index,
            mandates=mandates,
            entries=entries,
            grants=grants,
            in_office=len(in_office),
            rules=quorum_rules,
            reconvened=reconvenes is not None,
            numbers=numbers,
            pattern=pattern,
            short=short,
            body=existing_body,
            date=date,
        )
    if president is not None and president not in present and president not in arrived:
        c.add("$.session.president", f"le président de séance « {president} » n'est pas présent.")
    for index, raw in enumerate(c.lst(s.get("next_sessions"), "$.session.next_sessions")):
        nxt = c.obj(raw, f"$.session.next_sessions[{index}]")
        c.date(nxt, "date", f"$.session.next_sessions[{index}]", required=True)
        c.time(nxt, "time", f"$.session.next_sessions[{index}]")
        c.time(nxt, "end_time", f"$.session.next_sessions[{index}]")
    if existing_body is not None and date is not None:
        current = Session.objects.filter(body=existing_body, date=date).first()
        if current is not None and _is_frozen(current):
            c.add(
                "$.session.date",
                f"la séance du {date:%d/%m/%Y} a des actes signés : elle ne peut être remplacée.",
            )
    if c.problems or date is None:
        return c.problems, None
    return [], Plan(
        body=body_doc,
        mandates=list(mandates.values()),
        session=s,
        date=date,
        reconvenes=reconvenes,
    )


def _open_on(c: _Checker, mandate: Mapping[str, Any], day: dt.date) -> bool:
    start = iso_date(mandate.get("start"))
    end = iso_date(mandate.get("end"))
    return (start is None or start <= day) and (end is None or end >= day)


def iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


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
    for index, sub in enumerate(session_doc.get("substitutes") or []):
        if isinstance(sub, Mapping) and sub.get("member") == problem.member_id:
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


def _validate_item(
    c: _Checker,
    item: Mapping[str, Any],
    index: int,
    *,
    mandates: Mapping[str, Mapping[str, Any]],
    entries: Sequence[RollEntry],
    grants: Sequence[ProxyGrant],
    in_office: int,
    rules: QuorumRules,
    reconvened: bool,
    numbers: dict[str, int],
    pattern: str,
    short: str,
    body: Body | None,
    date: dt.date | None,
) -> None:
    path = f"$.session.items[{index}]"
    kind = item.get("kind")
    if not _one_of(kind, ITEM_KINDS):
        c.add(f"{path}.kind", f"nature inconnue {kind!r} ({', '.join(sorted(ITEM_KINDS))}).")
        kind = None
    c.text(item, "title", path, required=True)
    _ref(c, item, "rapporteur", path, mandates)
    carried_over = c.boolean(item, "carried_over", path, False)
    adopted_day = c.date(item, "adopts_pv_of", path, required=False)
    if adopted_day is not None:
        if kind != "pv_adoption":
            c.add(f"{path}.adopts_pv_of", "seul un point « pv_adoption » adopte un procès-verbal.")
        elif date is not None and adopted_day >= date:
            c.add(
                f"{path}.adopts_pv_of", "le procès-verbal adopté est celui d'une séance antérieure."
            )
        elif body is None or not Session.objects.filter(body=body, date=adopted_day).exists():
            c.add(
                f"{path}.adopts_pv_of",
                f"aucune séance du {adopted_day:%d/%m/%Y} n'est connue pour cette assemblée.",
            )
    if carried_over and not reconvened:
        c.add(f"{path}.carried_over", "seule une séance reconvoquée reprend des points reportés.")
    if kind == "deliberation":
        c.text(item, "dispositif", path, required=True)
        nature = str(item.get("nature", "1"))
        if nature not in NATURES:
            c.add(f"{path}.nature", f"nature ACTES inconnue {nature!r}.")
        matiere = item.get("matiere")
        if not _one_of(matiere, MATIERES):
            c.add(f"{path}.matiere", f"matière ACTES inconnue {matiere!r}.")
        for vi, visa in enumerate(c.lst(item.get("visas"), f"{path}.visas")):
            if not isinstance(visa, str) or not visa.strip():
                c.add(f"{path}.visas[{vi}]", "un visa est un texte non vide.")
        prefecture = c.obj(item.get("prefecture", {}), f"{path}.prefecture")
        sent = c.date(prefecture, "sent_on", f"{path}.prefecture", required=False)
        received = c.date(prefecture, "received_on", f"{path}.prefecture", required=False)
        if sent and received and received < sent:
            c.add(f"{path}.prefecture.received_on", "la réception précède l'envoi.")
        c.date(item, "published_on", path, required=False)
    number = item.get("number")
    if number is not None:
        if kind != "deliberation":
            c.add(f"{path}.number", "seule une délibération porte un numéro.")
        elif not isinstance(number, str) or parse_number(pattern, number, short=short) is None:
            c.add(f"{path}.number", f"le numéro {number!r} ne suit pas le modèle {pattern}.")
        elif number in numbers:
            c.add(
                f"{path}.number",
                f"le numéro {number} est déjà celui du point {numbers[number] + 1}.",
            )
        else:
            numbers[number] = index
            if body is not None and date is not None:
                other = (
                    Deliberation.objects.filter(body=body, number=number)
                    .exclude(item__session__date=date)
                    .first()
                )
                if other is not None:
                    c.add(
                        f"{path}.number",
                        f"le numéro {number} est déjà attribué à la délibération « {other.title} ».",
                    )
    if kind == "deliberation" and "vote" in item and number is None:
        c.add(f"{path}.number", "une délibération votée porte un numéro.")
    not_voting = _ids(c, item.get("not_voting"), f"{path}.not_voting", mandates)
    if "vote" not in item:
        if not_voting:
            c.add(f"{path}.not_voting", "aucun vote n'est enregistré pour ce point.")
        return
    if kind not in VOTED_KINDS:
        c.add(f"{path}.vote", "ce point n'est pas soumis au vote.")
        return
    vote = c.obj(item.get("vote"), f"{path}.vote")
    ballot = item.get("ballot", vote.get("ballot", "show_of_hands"))
    if not _one_of(ballot, BALLOTS):
        c.add(f"{path}.ballot", f"mode de scrutin inconnu {ballot!r}.")
        return
    position = index + 1
    full = roll_at(entries, grants, position)
    without = roll_at(entries, grants, position, not_voting=not_voting)
    for vi, mid in enumerate(not_voting):
        if mid not in full.present and mid not in full.represented:
            c.add(f"{path}.not_voting[{vi}]", f"« {mid} » ne siège pas à ce point.")
    quorum = quorum_check(
        in_office=in_office,
        present=len(without.present),
        represented=len(without.represented),
        rules=rules,
        reconvened=reconvened and carried_over,
    )
    if not quorum.met:
        c.add(
            f"{path}.vote",
            f"vote impossible, quorum non atteint : {quorum_message(quorum)} (CGCT L2121-17).",
        )
        return
    tally = _tally(c, vote, f"{path}.vote", mandates, without)
    if tally is False:
        return
    president_vote = vote.get("president_vote")
    if president_vote is not None and not _one_of(president_vote, {"for", "against", "abstain"}):
        c.add(f"{path}.vote.president_vote", "« for », « against » ou « abstain » attendu.")
        return
    try:
        decide(
            voters=without.voters,
            tally=tally,
            ballot=ballot,
            president_vote=president_vote,
        )
    except VoteError as exc:
        c.add(f"{path}.vote", str(exc))


def _tally(
    c: _Checker,
    vote: Mapping[str, Any],
    path: str,
    mandates: Mapping[str, Mapping[str, Any]],
    eligible: Any,
) -> Tally | Literal[False] | None:
    """The tally given by a vote object: None for unanimity, False when unreadable."""
    if vote.get("unanimous") is True:
        return None
    if "roll_call" in vote:
        names = c.obj(vote["roll_call"], f"{path}.roll_call")
        lists = {
            key: _ids(c, names.get(key), f"{path}.roll_call.{key}", mandates)
            for key in ("for", "against", "abstain")
        }
        allowed = set(eligible.present) | set(eligible.represented)
        for key, ids in lists.items():
            for vi, mid in enumerate(ids):
                if mid not in allowed:
                    c.add(f"{path}.roll_call.{key}[{vi}]", f"« {mid} » ne peut voter sur ce point.")
        try:
            return tally_from_roll_call(lists["for"], lists["against"], lists["abstain"])
        except VoteError as exc:
            c.add(f"{path}.roll_call", str(exc))
            return False
    if any(key in vote for key in ("for", "against", "abstain", "blank")):
        before = len(c.problems)
        tally = Tally(
            for_=c.count(vote, "for", path),
            against=c.count(vote, "against", path),
            abstain=c.count(vote, "abstain", path),
            blank=c.count(vote, "blank", path),
        )
        return False if len(c.problems) > before else tally
    c.add(path, 'vote illisible : {"unanimous": true}, des décomptes ou un appel nominal.')
    return False


def _is_frozen(session: Session) -> bool:
    signed = {
        Deliberation.Status.SIGNED,
        Deliberation.Status.TRANSMITTED,
        Deliberation.Status.PUBLISHED,
    }
    pv = getattr(session, "pv", None)
    return (
        pv is not None and pv.status != ProcesVerbal.Status.DRAFT
    ) or Deliberation.objects.filter(item__session=session, status__in=signed).exists()
