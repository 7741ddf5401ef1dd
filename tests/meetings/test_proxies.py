from __future__ import annotations

import pytest

from meetings.proxies import ProxyRules, check_proxies, legal_holders
from meetings.roll import ProxyGrant, RollEntry, RuleProblem
from tests.meetings.seed_roll import seed_roll

RULES = ProxyRules()

# Present voting members of the seed who hold no proxy yet
FREE_HOLDERS = [
    "della-franca",
    "duporge",
    "lemaire",
    "leveugle",
    "robert",
    "scalone",
    "ait-chikhebbih",
    "canivez",
    "laversin",
]


def _entries() -> list[RollEntry]:
    """The seed's roll plus a late arrival, an early departure and two suppléants."""
    entries, _ = seed_roll()
    return [
        *entries,
        RollEntry("arrive", "Anne Arrivée", "titulaire", "present", arrived_at=3),
        RollEntry("depart", "Denis Départ", "titulaire", "present", left_at=4),
        RollEntry("supp-libre", "Sophie Suppléante", "suppleant", "present"),
        RollEntry("supp-absent", "Simon Suppléant", "suppleant"),
        RollEntry(
            "supp-t15", "Paul Suppléant", "suppleant", "present", seated=True, replaces="t15"
        ),
    ]


def _problems(*extra: ProxyGrant, rules: ProxyRules = RULES) -> list[RuleProblem]:
    _, proxies = seed_roll()
    return check_proxies(_entries(), [*proxies, *extra], rules)


def test_seed_proxies_are_legal() -> None:
    entries, proxies = seed_roll()
    assert check_proxies(entries, proxies, RULES) == []


@pytest.mark.parametrize(
    ("grant", "code", "member_id", "message"),
    [
        (
            ProxyGrant("inconnu", "duporge"),
            "proxy_unknown_giver",
            "inconnu",
            "Procuration : le mandant « inconnu » ne figure pas parmi les membres.",
        ),
        (
            ProxyGrant("t16", "inconnu"),
            "proxy_unknown_holder",
            "inconnu",
            "Procuration : le mandataire « inconnu » ne figure pas parmi les membres.",
        ),
        (
            ProxyGrant("t16", "t16"),
            "proxy_self",
            "t16",
            "Titulaire 16 ne peut se donner procuration à lui-même.",
        ),
        (
            ProxyGrant("supp-absent", "duporge"),
            "proxy_giver_not_titulaire",
            "supp-absent",
            "Simon Suppléant n'est pas membre titulaire : seul un titulaire absent peut "
            "donner procuration.",
        ),
        (
            ProxyGrant("lemaire", "duporge"),
            "proxy_giver_present",
            "lemaire",
            "François Lemaire siège à l'ouverture de la séance, quand sa procuration prend "
            "effet ; seul un membre absent peut donner procuration (CGCT L2121-20).",
        ),
        (
            ProxyGrant("t16", "t17"),
            "proxy_holder_not_present",
            "t17",
            "Titulaire 17 ne peut recevoir la procuration de Titulaire 16 : le mandataire "
            "doit assister à la séance (CGCT L2121-20).",
        ),
        (
            ProxyGrant("t16", "supp-libre"),
            "proxy_holder_not_voting",
            "supp-libre",
            "Sophie Suppléante ne peut recevoir la procuration de Titulaire 16 : un suppléant "
            "qui ne siège pas n'a pas voix délibérative.",
        ),
        (
            ProxyGrant("bossart", "duporge"),
            "proxy_duplicate_giver",
            "bossart",
            "Steve Bossart a donné plus d'une procuration pour la séance ; un membre ne donne "
            "qu'un seul pouvoir (CGCT L2121-20).",
        ),
        (
            ProxyGrant("t16", "bavay"),
            "proxy_holder_limit",
            "bavay",
            "Alain Bavay détient 2 procurations ; un membre ne peut en détenir qu'une seule "
            "(CGCT L2121-20).",
        ),
        (
            ProxyGrant("t15", "duporge"),
            "proxy_giver_substituted",
            "t15",
            "Paul Suppléant siège en suppléance de Titulaire 15 : la procuration de "
            "Titulaire 15 n'est donc pas admise.",
        ),
        (
            ProxyGrant("t16", "duporge", consecutive_sessions=4),
            "proxy_too_many_sessions",
            "t16",
            "La procuration de Titulaire 16 couvre 4 séances consécutives ; un pouvoir ne vaut "
            "que pour trois séances consécutives, sauf maladie dûment constatée (CGCT L2121-20).",
        ),
    ],
)
def test_each_proxy_problem(grant: ProxyGrant, code: str, member_id: str, message: str) -> None:
    assert _problems(grant) == [RuleProblem(code, message, member_id)]


def test_giver_leaving_may_give_a_proxy_from_its_departure_on() -> None:
    assert _problems(ProxyGrant("depart", "duporge", from_item=4)) == []
    assert _problems(ProxyGrant("depart", "duporge", from_item=6)) == []
    early = _problems(ProxyGrant("depart", "duporge", from_item=3))
    assert [p.code for p in early] == ["proxy_giver_present"]
    assert "au point n° 3" in early[0].message


def test_late_arrival_may_give_a_proxy_for_the_opening() -> None:
    assert _problems(ProxyGrant("arrive", "duporge")) == []


def test_holder_arriving_late_may_hold_a_proxy() -> None:
    assert _problems(ProxyGrant("t16", "arrive")) == []


def test_holder_gone_before_the_proxy_takes_effect() -> None:
    problems = _problems(ProxyGrant("t16", "depart", from_item=4))
    assert [(p.code, p.member_id) for p in problems] == [("proxy_holder_not_present", "depart")]


def test_three_consecutive_sessions_are_allowed_and_illness_lifts_the_limit() -> None:
    assert _problems(ProxyGrant("t16", "duporge", consecutive_sessions=3)) == []
    assert _problems(ProxyGrant("t16", "duporge", consecutive_sessions=5, illness=True)) == []


def test_revoked_proxies_are_ignored() -> None:
    assert _problems(ProxyGrant("lemaire", "duporge", revoked=True)) == []
    assert _problems(ProxyGrant("t16", "bavay", revoked=True)) == []


def test_body_may_allow_two_proxies_per_holder() -> None:
    two = ProxyRules(max_per_holder=2)
    assert _problems(ProxyGrant("t16", "bavay"), rules=two) == []
    problems = _problems(ProxyGrant("t16", "bavay"), ProxyGrant("t17", "bavay"), rules=two)
    assert [p.message for p in problems] == [
        "Alain Bavay détient 3 procurations ; un membre ne peut en détenir plus de 2 "
        "(CGCT L2121-20)."
    ]


def test_substituted_giver_not_checked_when_the_body_has_no_substitutes() -> None:
    no_substitutes = ProxyRules(substitutes=False)
    assert _problems(ProxyGrant("t15", "duporge"), rules=no_substitutes) == []


def test_seed_legal_holders_are_present_voting_members_without_a_proxy() -> None:
    entries, proxies = seed_roll()
    assert legal_holders(entries, proxies, "t15", RULES) == FREE_HOLDERS


def test_legal_holders_keep_the_current_holder_of_the_giver() -> None:
    entries, proxies = seed_roll()
    holders = legal_holders(entries, proxies, "bossart", RULES)
    assert holders == ["bavay", *FREE_HOLDERS]


def test_legal_holders_with_two_proxies_per_holder() -> None:
    entries, proxies = seed_roll()
    holders = legal_holders(entries, proxies, "t15", ProxyRules(max_per_holder=2))
    assert {"bavay", "idziak", "lefebvre", "pilch"} <= set(holders)
    assert len(holders) == 13


def test_no_legal_holder_for_a_present_or_unknown_giver() -> None:
    entries, proxies = seed_roll()
    assert legal_holders(entries, proxies, "lemaire", RULES) == []
    assert legal_holders(entries, proxies, "inconnu", RULES) == []
    assert legal_holders(_entries(), proxies, "t15", RULES) == []


def test_legal_holders_for_a_member_leaving_mid_session() -> None:
    _, proxies = seed_roll()
    entries = _entries()
    assert legal_holders(entries, proxies, "depart", RULES) == []
    holders = legal_holders(entries, proxies, "depart", RULES, position=4)
    assert "duporge" in holders
    assert "arrive" in holders
    assert "depart" not in holders
    assert "supp-libre" not in holders
    assert "bavay" not in holders
