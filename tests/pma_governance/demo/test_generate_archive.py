"""`manage.py generate_archive`: a plausible archive, written as the app would write it."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import Count

from deliberations.models import Deliberation, Vote
from deliberations.numbering import check_gapless, parse_number
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body, Mandate, MemberEntity, Person
from pma_governance.demo import synthetic
from pma_governance.lib.history import event_model
from pma_governance.search.selectors import Kind, archive_search
from tests.factories import SuperUserFactory

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_archive", *args, stdout=out)
    return out.getvalue()


def test_small_archive_counts_numbers_and_lifecycle() -> None:
    history = {
        model: event_model(model)._default_manager.count()
        for model in (Session, AgendaItem, Deliberation, Vote, ProcesVerbal)
    }

    out = generate("--sessions", "6", "--bodies", "2", "--seed", "1")

    assert "Archive créée" in out and "2 assemblées, 6 séances" in out
    bodies = list(Body.objects.all())
    assert len(bodies) == 2
    assert MemberEntity.objects.count() >= 6 and Person.objects.count() > 10
    assert Mandate.objects.filter(office="Président").count() == 2 * 4  # one per term
    assert Session.objects.count() == ProcesVerbal.objects.count() == 6
    deliberations = Deliberation.objects.count()
    assert 6 * 6 <= deliberations <= 6 * 18
    # A vote on each deliberation and on each adoption of the previous PV.
    adoptions = AgendaItem.objects.filter(kind=AgendaItem.Kind.PV_ADOPTION).count()
    assert adoptions == 6 - 2
    assert Vote.objects.count() == deliberations + adoptions
    assert Vote.objects.filter(result=Vote.Result.ADOPTED).count() > Vote.objects.count() // 2
    for body in bodies:
        numbers = list(body.deliberations.values_list("number", "sequence"))
        sequences = [seq for _, seq in numbers if seq is not None]
        assert check_gapless(sequences, start=1) == []
        assert max(sequences) == body.last_deliberation_sequence
        for number, seq in numbers:
            parsed = parse_number(body.numbering_pattern, number or "", short=body.short_name)
            assert parsed is not None and parsed[1] == seq
        # The latest session is voted, not signed yet; the earlier ones are signed, frozen.
        latest = body.sessions.order_by("-date").first()
        assert latest is not None and latest.facts_frozen_at is None
        assert latest.pv.status == ProcesVerbal.Status.DRAFT
        assert set(
            Deliberation.objects.filter(item__session=latest).values_list("status", flat=True)
        ) == {Deliberation.Status.VOTED}
        earlier = body.sessions.exclude(pk=latest.pk)
        assert not earlier.filter(facts_frozen_at__isnull=True).exists()
        assert not Deliberation.objects.filter(
            item__session__in=earlier, status=Deliberation.Status.VOTED
        ).exists()
    # No history was written for this synthetic load.
    assert history == {
        model: event_model(model)._default_manager.count()
        for model in (Session, AgendaItem, Deliberation, Vote, ProcesVerbal)
    }


def test_the_archive_is_frozen_like_a_real_one() -> None:
    generate("--sessions", "3", "--bodies", "1", "--seed", "2")
    signed = Deliberation.objects.exclude(status=Deliberation.Status.VOTED).first()
    assert signed is not None and signed.item_id is not None

    with pytest.raises(IntegrityError, match="Acte signé"), transaction.atomic():
        Deliberation.objects.filter(pk=signed.pk).update(title="Autre objet")
    with pytest.raises(IntegrityError, match="Acte signé"), transaction.atomic():
        AgendaItem.objects.filter(pk=signed.item_id).update(debate_summary="Réécrit")


def test_search_finds_what_was_generated() -> None:
    generate("--sessions", "4", "--bodies", "1", "--seed", "3")
    admin = SuperUserFactory()
    deliberation = Deliberation.objects.order_by("pk").first()
    assert deliberation is not None and deliberation.number is not None

    hits = archive_search(admin, deliberation.number)[0:5]
    assert [h.deliberation for h in hits] == [deliberation]
    word = max(deliberation.title.split(), key=len)
    assert deliberation in {h.deliberation for h in archive_search(admin, word)[0:1000]}
    kinds = {h.kind for h in archive_search(admin, "délibération")[0:1000]}
    assert kinds == {Kind.DELIBERATION, Kind.PV}


def test_running_twice_adds_new_bodies() -> None:
    generate("--sessions", "2", "--bodies", "2", "--seed", "4")
    generate("--sessions", "2", "--bodies", "2", "--seed", "4")

    assert Body.objects.count() == 4
    assert Session.objects.count() == 4
    by_body = Deliberation.objects.values("body").annotate(n=Count("pk"))
    assert all(row["n"] > 0 for row in by_body)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sessions", "0"], "nombre de séances positif"),
        (["--sessions", "5", "--bodies", "-1"], "nombre d'assemblées positif"),
        (["--sessions", "5000", "--bodies", "1"], "augmentez --bodies"),
    ],
)
def test_bad_arguments_are_refused_in_french(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        generate(*args)
    assert not Body.objects.exists()


def test_texts_vary_and_votes_add_up() -> None:
    rng = random.Random(5)
    context = synthetic.ActContext(
        year=2021,
        day=dt.date(2021, 3, 4),
        assembly_name="Comité syndical",
        president_civility="Mme",
        speakers=["Monsieur Alain Bavay", "Madame Corinne Laversin"],
        rapporteur="Monsieur Alain Bavay",
    )
    acts = [synthetic.act_text(rng, context) for _ in range(300)]
    themes: dict[str, int] = defaultdict(int)
    for act in acts:
        themes[act.matiere.split(".")[0]] += 1
        assert act.considerants.startswith("<p>Madame la Présidente EXPOSE :</p>")
        assert "{" not in act.considerants + act.dispositif + act.title + act.debate
    assert len(themes) >= 6 and len({a.title for a in acts}) > 100
    for _ in range(300):
        plan = synthetic.vote_plan(rng, 24)
        outcome = plan.outcome
        assert outcome.voters == plan.present + plan.represented
        assert outcome.for_ + outcome.against + outcome.abstain == outcome.voters
        assert plan.present > 24 // 2
