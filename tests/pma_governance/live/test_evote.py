"""Electronic voting: who may vote, proxies, déports, changes, secrecy, the closing that
records the vote through the hand count's own service."""

from __future__ import annotations

import html
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberations.models import NamedVote, Vote
from meetings.deports import deport_declare
from meetings.models import AgendaItem, Session
from members.models import Mandate
from pma_governance.interchange.importer import import_document
from pma_governance.live.display import session_version
from pma_governance.live.evote import (
    ballot_cast,
    electronic_vote_set,
    item_voices,
    poll_cancel,
    poll_close,
    poll_open,
    poll_voices,
)
from pma_governance.live.models import ElectronicPoll, PollBallot, SecretCount
from tests.factories import login_as
from tests.pma_governance.live.test_views import _unvoted_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def session() -> Session:
    session = import_document(_unvoted_seed())
    return electronic_vote_set(session=session, enabled=True)


@pytest.fixture
def item(session: Session) -> AgendaItem:
    return AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )


def _mandate(session: Session, external_id: str) -> Mandate:
    return Mandate.objects.select_related("person").get(body=session.body, external_id=external_id)


def _refused(match: str, call: object, **kwargs: object) -> None:
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)  # type: ignore[operator]
    assert match in " ".join(exc.value.messages)


def _vote_all(poll: ElectronicPoll, choice: str = "for", skip: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    voices = item_voices(poll.item)
    for pk in sorted(voices.all - set(skip)):
        mandate = Mandate.objects.select_related("person").get(pk=pk)
        caster = Mandate.objects.get(pk=voices.caster(pk) or 0)
        ballot_cast(poll=poll, voter=caster, for_mandate=mandate, choice=choice)


def test_opening_is_refused_without_the_option_or_twice(session: Session, item: AgendaItem) -> None:
    electronic_vote_set(session=session, enabled=False)
    _refused("Le vote électronique n'est pas activé", poll_open, item=item, mode="public")
    electronic_vote_set(session=session, enabled=True)
    _refused("Mode de scrutin inconnu", poll_open, item=item, mode="à main levée")
    poll = poll_open(item=item, mode="public")
    _refused("Un scrutin est déjà ouvert sur le point", poll_open, item=item, mode="public")
    _refused(
        "clôturez-le ou annulez-le avant de désactiver",
        electronic_vote_set,
        session=session,
        enabled=False,
    )
    poll_cancel(poll=poll)
    assert poll_open(item=item, mode="secret").state == "open"


def test_a_proxy_holder_casts_his_mandants_vote_apart(session: Session, item: AgendaItem) -> None:
    bavay, bossart = _mandate(session, "bavay"), _mandate(session, "bossart")
    poll = poll_open(item=item, mode="public")
    before = session_version(session.pk).number
    ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="for")
    ballot_cast(poll=poll, voter=bavay, for_mandate=bossart, choice="against")
    assert session_version(session.pk).number > before
    got = {b.for_mandate_id: (b.voter_id, b.choice) for b in poll.ballots.all()}
    assert got == {bavay.pk: (bavay.pk, "for"), bossart.pk: (bavay.pk, "against")}
    # Bossart gave his pouvoir: he cannot vote himself; nor can another member for him.
    _refused(
        "Votre pouvoir est confié à un autre membre",
        ballot_cast,
        poll=poll,
        voter=bossart,
        for_mandate=bossart,
        choice="for",
    )
    other = next(m for m in Mandate.objects.filter(pk__in=item_voices(item).own) if m != bavay)
    _refused(
        "Vous ne détenez pas le pouvoir de Steve Bossart",
        ballot_cast,
        poll=poll,
        voter=other,
        for_mandate=bossart,
        choice="for",
    )
    _refused(
        "Choisissez « Pour », « Contre » ou « Abstention »",
        ballot_cast,
        poll=poll,
        voter=bavay,
        for_mandate=bavay,
        choice="blanc",
    )


def test_a_deported_member_cannot_vote(session: Session, item: AgendaItem) -> None:
    bavay = _mandate(session, "bavay")
    deport_declare(item=item, mandate=bavay, reason="président de l'AULA", by_secretariat=True)
    poll = poll_open(item=item, mode="public")
    _refused(
        "ne prend pas part au vote sur « Partenariat",
        ballot_cast,
        poll=poll,
        voter=bavay,
        for_mandate=bavay,
        choice="for",
    )
    # His mandant's voice goes with him (CGCT: a non-participant's proxy takes no part).
    assert _mandate(session, "bossart").pk not in item_voices(item).all
    assert PollBallot.objects.count() == 0


def test_public_vote_changes_until_closing_and_double_submission_counts_once(
    session: Session, item: AgendaItem
) -> None:
    bavay = _mandate(session, "bavay")
    poll = poll_open(item=item, mode="public")
    for _ in range(2):
        ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="for")
    ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="abstain")
    assert list(poll.ballots.values_list("choice", flat=True)) == ["abstain"]
    _vote_all(poll, "for", skip={bavay.pk})
    vote = poll_close(poll=poll)
    assert vote.ballot == Vote.Ballot.ROLL_CALL
    voices = item_voices(item)
    assert vote.voters == len(voices.all)
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (len(voices.all) - 1, 0, 1)
    named = dict(NamedVote.objects.filter(vote=vote).values_list("mandate_id", "choice"))
    assert named[bavay.pk] == "abstain" and len(named) == len(voices.all)
    _refused(
        "est clos : aucun vote n'y est plus reçu",
        ballot_cast,
        poll=poll,
        voter=bavay,
        for_mandate=bavay,
        choice="for",
    )
    _refused("est déjà enregistré", poll_open, item=item, mode="public")


def test_closing_waits_for_every_voice_or_names_the_silent_as_not_voting(
    session: Session, item: AgendaItem
) -> None:
    bavay = _mandate(session, "bavay")
    voices = item_voices(item)
    silent = Mandate.objects.select_related("person").get(
        pk=min(voices.own - set(voices.proxies.values()))
    )
    poll = poll_open(item=item, mode="public")
    _vote_all(poll, "for", skip={bavay.pk, silent.pk})
    _refused("2 voix non exprimées (Alain Bavay, ", poll_close, poll=poll)
    # Bavay voted for Bossart, not for himself: he cannot be said to take no part.
    _refused(
        "Alain Bavay a voté au nom d'un mandant sans exprimer sa propre voix",
        poll_close,
        poll=poll,
        missing_not_voting=True,
    )
    ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="against")
    assert not Vote.objects.filter(item=item).exists()
    vote = poll_close(poll=poll, missing_not_voting=True)
    assert list(vote.not_voting.all()) == [silent]
    name = silent.person.full_name
    assert f"sans vote exprimé au scrutin électronique : {name}" in vote.not_voting_reason
    assert vote.voters == len(voices.all) - 1


def test_the_secretariat_enters_a_vote_for_a_member_without_device(
    session: Session, item: AgendaItem
) -> None:
    bavay, bossart = _mandate(session, "bavay"), _mandate(session, "bossart")
    poll = poll_open(item=item, mode="public")
    ballot_cast(poll=poll, voter=bavay, for_mandate=bossart, choice="for", by_secretariat=True)
    ballot = PollBallot.objects.get(for_mandate=bossart)
    assert ballot.entered_by_secretariat and ballot.voter_id == bavay.pk
    rows = {r.for_mandate.pk: r for r in poll_voices(poll)}
    assert rows[bossart.pk].cast and rows[bossart.pk].caster == bavay
    assert not rows[bavay.pk].cast


def test_a_secret_ballot_stores_no_link_between_member_and_choice(
    session: Session, item: AgendaItem
) -> None:
    bavay = _mandate(session, "bavay")
    poll = poll_open(item=item, mode="secret")
    ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="against")
    _refused(
        "Au scrutin secret, un vote exprimé ne peut plus être changé",
        ballot_cast,
        poll=poll,
        voter=bavay,
        for_mandate=bavay,
        choice="for",
    )
    _vote_all(poll, "for", skip={bavay.pk})
    # The ballot rows hold no choice; the counts hold no voter.
    assert set(PollBallot.objects.filter(poll=poll).values_list("choice", flat=True)) == {""}
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), SecretCount._meta.db_table
        )
    }
    assert columns == {"id", "poll_id", "choice", "count"}
    counts = dict(SecretCount.objects.filter(poll=poll).values_list("choice", "count"))
    voices = len(item_voices(item).all)
    assert counts == {"for": voices - 1, "against": 1, "abstain": 0}
    vote = poll_close(poll=poll)
    assert vote.ballot == Vote.Ballot.SECRET
    assert (vote.votes_for, vote.votes_against) == (voices - 1, 1)
    assert not NamedVote.objects.filter(vote=vote).exists()


def test_cancelling_voids_the_voices(session: Session, item: AgendaItem) -> None:
    bavay = _mandate(session, "bavay")
    poll = poll_open(item=item, mode="secret")
    ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="for")
    poll_cancel(poll=poll)
    assert not PollBallot.objects.exists() and not SecretCount.objects.exists()
    _refused("est clos", poll_close, poll=poll)


# --- Pages --------------------------------------------------------------------------------


def _text(response: object) -> str:
    content = response.content.decode()  # type: ignore[attr-defined]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def test_the_secretariat_opens_follows_and_closes_a_poll(
    client: Client, session: Session, item: AgendaItem
) -> None:
    electronic_vote_set(session=session, enabled=False)
    login_as(client, "secretariat", session.body)
    live = reverse("meetings:live", args=[session.pk])
    toggled = client.post(
        reverse("meetings:electronic_vote_toggle", args=[session.pk]), {"enabled": "1"}
    )
    assert toggled.status_code == 302
    assert Session.objects.get(pk=session.pk).electronic_vote
    page = client.get(live)
    assert "Ouvrir le vote électronique" in _text(page)

    opened = client.post(
        reverse("meetings:poll_open", args=[session.pk, item.pk]), {"mode": "public"}
    )
    assert opened.status_code == 302
    poll = ElectronicPoll.objects.get(item=item, state="open")
    again = client.post(
        reverse("meetings:poll_open", args=[session.pk, item.pk]), {"mode": "public"}
    )
    assert "Un scrutin est déjà ouvert sur le point" in _text(again)

    bavay = _mandate(session, "bavay")
    state_url = reverse("meetings:poll_state", args=[session.pk])
    first = client.get(state_url)
    assert "0 voix exprimées sur" in _text(first)
    ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="against")
    assert client.get(state_url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    text = _text(client.get(state_url))
    assert "Alain Bavay : a voté" in text
    # Who voted, not how: the choices appear only at the closing.
    assert "Contre" not in text.split("Membre sans appareil")[0]

    entered = client.post(
        reverse("meetings:poll_enter", args=[session.pk, poll.pk]),
        {"for_mandate": _mandate(session, "bossart").pk, "choice": "for"},
    )
    assert entered.status_code == 302
    refused = client.post(reverse("meetings:poll_close", args=[session.pk, poll.pk]), {})
    assert "voix non exprimées" in _text(refused)
    _vote_all(poll, "for", skip={bavay.pk, _mandate(session, "bossart").pk})
    closed = client.post(reverse("meetings:poll_close", args=[session.pk, poll.pk]), {})
    assert closed.status_code == 302
    vote = Vote.objects.get(item=item)
    assert vote.votes_against == 1 and vote.ballot == "roll_call"


def test_an_elu_votes_for_himself_and_his_mandant_only(
    client: Client, session: Session, item: AgendaItem
) -> None:
    bavay, bossart = _mandate(session, "bavay"), _mandate(session, "bossart")
    poll = poll_open(item=item, mode="public")
    login_as(client, "elu", session.body, mandate=bavay)
    live = reverse("space:live", args=[session.pk])
    page = _text(client.get(live))
    assert "Votre vote" in page and "Au nom de Steve Bossart (pouvoir)" in page
    assert 'aria-label="Contre au nom de Steve Bossart"' in client.get(live).content.decode()

    url = reverse("space:ballot_cast", args=[session.pk, poll.pk])
    done = client.post(url, {"for_mandate": bossart.pk, "choice": "against"}, follow=True)
    assert "Vote « Contre » au nom de Steve Bossart enregistré." in _text(done)
    client.post(url, {"for_mandate": bavay.pk, "choice": "for"})
    assert "Vote actuel : Pour ." in _text(client.get(live))

    someone = next(
        m
        for m in Mandate.objects.filter(pk__in=item_voices(item).own).select_related("person")
        if m.pk != bavay.pk
    )
    other = client.post(url, {"for_mandate": someone.pk, "choice": "for"}, follow=True)
    assert f"Vous ne détenez pas le pouvoir de {someone.person.full_name}" in _text(other)
    assert not PollBallot.objects.filter(for_mandate=someone).exists()

    poll_cancel(poll=poll)
    late = client.post(url, {"for_mandate": bavay.pk, "choice": "against"}, follow=True)
    assert "est clos : aucun vote n'y est plus reçu" in _text(late)
    # An élu cannot act on the secretariat's side.
    opened = client.post(
        reverse("meetings:poll_open", args=[session.pk, item.pk]), {"mode": "public"}
    )
    assert opened.status_code in {403, 404}


def test_the_room_display_shows_the_poll_running(
    client: Client, session: Session, item: AgendaItem
) -> None:
    poll_open(item=item, mode="secret")
    login_as(client, "elu", session.body, mandate=_mandate(session, "bavay"))
    text = _text(client.get(reverse("meetings:room_display", args=[session.pk])))
    assert f"Vote en cours — point {item.position}" in text
    assert "0 voix exprimées sur" in text
    device = _text(client.get(reverse("space:live", args=[session.pk])))
    assert "Au scrutin secret, un vote exprimé ne peut plus être changé." in device


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_count_once() -> None:
    """The same secret vote sent twice at the same moment (a double tap, a retry after a
    dropped connection): the session lock orders them, one is counted, one refused."""
    session = electronic_vote_set(session=import_document(_unvoted_seed()), enabled=True)
    item = AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )
    poll = poll_open(item=item, mode="secret")
    bavay = _mandate(session, "bavay")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def cast() -> None:
        try:
            start.wait()
            ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="for")
            outcomes.append("counted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=cast) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["counted", "refused"]
    assert PollBallot.objects.filter(poll=poll).count() == 1
    assert SecretCount.objects.get(poll=poll, choice="for").count == 1


def test_no_poll_opens_once_the_facts_are_frozen(session: Session, item: AgendaItem) -> None:
    Session.objects.filter(pk=session.pk).update(facts_frozen_at=timezone.now())
    _refused("Les faits de la séance sont figés", poll_open, item=item, mode="public")
    assert not ElectronicPoll.objects.exists()
