"""Searching the archive: French words whatever their accents and inflections, the best
first, highlighted excerpts that never let HTML through, filters, and nobody finds
another body's acts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from deliberations.models import Deliberation, Vote
from deliberations.selectors import deliberation_list
from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.selectors import sessions_for_user, sessions_matching
from members.models import Body
from pma_governance.lib.history import event_model
from pma_governance.search import selectors as search_module
from pma_governance.search.selectors import Kind, SearchFilters, SearchHit, archive_search
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    SessionFactory,
    SuperUserFactory,
    UserFactory,
    account,
)
from tests.pma_governance.search.helpers import act

pytestmark = pytest.mark.django_db


def found(user: Any, text: str, **filters: Any) -> list[SearchHit]:
    """Both kinds of results, best first."""
    return archive_search(user, text, SearchFilters(**filters))[0:100]


def titles(user: Any, text: str, **filters: Any) -> list[str]:
    """The objets of the deliberations found, best first (the PVs left aside)."""
    hits = found(user, text, kind=Kind.DELIBERATION, **filters)
    return [h.deliberation.title for h in hits if h.deliberation]


@pytest.fixture
def body() -> Body:
    return BodyFactory(name="Syndicat mixte des Collines", short_name="SMC")


@pytest.fixture
def admin() -> Any:
    return SuperUserFactory()


# --- Words: accents, inflections, phrases ----------------------------------------------------


def test_accents_are_ignored_both_ways(body: Body, admin: Any) -> None:
    act(body, "Tarifs de la régie des eaux")
    act(body, "Creation d'une regie de recettes")  # typed without accents

    assert set(titles(admin, "regie")) == {
        "Tarifs de la régie des eaux",
        "Creation d'une regie de recettes",
    }
    assert len(titles(admin, "RÉGIE")) == 2
    assert titles(admin, "création") == ["Creation d'une regie de recettes"]


def test_french_stemming_finds_other_forms(body: Body, admin: Any) -> None:
    act(body, "Attribution d'une subvention à la Mission locale")
    act(body, "Budget", considerants="<p>Les délibérations budgétaires sont annexées.</p>")

    assert titles(admin, "subventions") == ["Attribution d'une subvention à la Mission locale"]
    assert titles(admin, "deliberation") == ["Budget"]


def test_websearch_syntax_phrase_exclusion_or(body: Body, admin: Any) -> None:
    act(
        body,
        "Plan climat-air-énergie territorial",
        considerants="<p>Le plan climat est révisé.</p>",
    )
    act(body, "Plan de mobilité", considerants="<p>Le climat social et le plan de bus.</p>")
    act(body, "Piscine intercommunale")

    assert titles(admin, '"plan climat"') == ["Plan climat-air-énergie territorial"]
    assert titles(admin, "plan -mobilité") == ["Plan climat-air-énergie territorial"]
    assert set(titles(admin, "piscine OR mobilité")) == {
        "Plan de mobilité",
        "Piscine intercommunale",
    }
    assert found(admin, "aéroport") == []
    assert found(admin, "   ") == []
    assert archive_search(admin, "").count() == 0


def test_a_number_finds_its_act(body: Body, admin: Any) -> None:
    wanted = act(body, "Convention avec l'AULA", seq=192)
    act(body, "Autre convention", seq=193)

    for text in ("2023/SMC00192", "00192", "SMC00192", "2023smc00192"):
        hits = found(admin, text)
        assert [h.deliberation for h in hits] == [wanted], text


def test_the_title_ranks_above_the_texts(body: Body, admin: Any) -> None:
    act(body, "Programme de voirie", considerants="<p>Sans rapport avec une piscine.</p>")
    act(body, "Réhabilitation de la piscine intercommunale")
    act(body, "Budget annexe", debate="<p>Une question sur la piscine.</p>")

    # Objet (A), then considérants (B), then the debate (C).
    assert titles(admin, "piscine") == [
        "Réhabilitation de la piscine intercommunale",
        "Programme de voirie",
        "Budget annexe",
    ]
    # The PV holds the item titles and the debates: it is found too, after the objet.
    hits = found(admin, "piscine")
    assert hits[0].deliberation is not None
    assert hits[0].deliberation.title == "Réhabilitation de la piscine intercommunale"
    assert [h.kind for h in hits].count(Kind.PV) == 1


# --- Excerpts ----------------------------------------------------------------------------------


def test_excerpt_marks_the_words_and_escapes_the_html(body: Body, admin: Any) -> None:
    # Sanitised texts keep their entities; an import could even have stored raw markup.
    act(
        body,
        "Piscine & bassin < 50 m",
        considerants="<p>La piscine &amp; le <em>bassin</em> : &lt;script&gt;x&lt;/script&gt;</p>"
        "<script>alert('piscine')</script>",
    )

    [hit] = [h for h in found(admin, "piscine") if h.kind == Kind.DELIBERATION]

    assert hit.title == "<mark>Piscine</mark> &amp; bassin &lt; 50 m"
    assert "<mark>piscine</mark> &amp; le bassin : &lt;script&gt;x&lt;/script&gt;" in hit.excerpt
    assert "<script>" not in hit.excerpt and "<em>" not in hit.excerpt
    assert str(hit.excerpt).replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_pv_is_found_by_its_debates_with_an_excerpt(body: Body, admin: Any) -> None:
    session = SessionFactory(body=body, date=dt.date(2023, 6, 13))
    AgendaItemFactory(
        session=session,
        position=1,
        kind=AgendaItem.Kind.INFORMATION,
        title="Actualités",
        debate_summary="<p>Monsieur Huchette présente l'étoile ferroviaire de Lille.</p>",
    )

    [hit] = found(admin, "ferroviaires")

    assert hit.kind == Kind.PV and hit.pv == session.pv
    assert hit.session == session and hit.body == body and hit.vote is None
    assert "étoile <mark>ferroviaire</mark> de Lille" in hit.excerpt


# --- Filters -------------------------------------------------------------------------------------


def test_filters_year_matiere_result_and_kind(body: Body, admin: Any) -> None:
    old = act(body, "Subvention 2019 au club", day=dt.date(2019, 3, 5), matiere="7.5")
    new = act(body, "Subvention 2023 au club", matiere="7.5")
    rejected = act(body, "Subvention refusée au club", matiere="7.5", result=Vote.Result.REJECTED)
    roads = act(body, "Convention de voirie avec le club", matiere="8.3")

    def acts(**filters: Any) -> set[Deliberation | None]:
        return {h.deliberation for h in found(admin, "club", **filters) if h.deliberation}

    assert acts(year=2019) == {old}
    assert acts(matiere="7") == {old, new, rejected}  # « 7 » covers 7.5
    assert acts(matiere="8.3") == {roads}
    assert acts(matiere="7.1") == set()
    assert acts(result=Vote.Result.REJECTED) == {rejected}
    # A matière or a result only exists for deliberations: no PV then.
    assert all(h.kind == Kind.DELIBERATION for h in found(admin, "club", matiere="7"))
    pvs = found(admin, "club", kind=Kind.PV)
    assert {h.pv.session.date for h in pvs if h.pv} == {dt.date(2019, 3, 5), dt.date(2023, 6, 13)}
    assert {h.kind for h in found(admin, "club", kind=Kind.DELIBERATION)} == {Kind.DELIBERATION}
    assert [h.pv for h in found(admin, "club", kind=Kind.PV, year=2019)] == [
        old.item.session.pv  # type: ignore[union-attr]
    ]


# --- Who finds what ------------------------------------------------------------------------------


def test_nobody_finds_another_bodys_acts_or_pvs(body: Body, admin: Any) -> None:
    other = BodyFactory(short_name="SIVOM")
    mine = act(body, "Piscine des Collines")
    theirs = act(other, "Piscine du SIVOM")
    elu = account("elu", body)

    hits = found(elu, "piscine")

    assert {h.deliberation for h in hits if h.deliberation} == {mine}
    assert {h.body for h in hits} == {body}
    assert found(elu, "SIVOM") == []
    assert titles(admin, "SIVOM") == ["Piscine du SIVOM"]
    assert found(elu, theirs.number or "") == []
    assert {h.body for h in found(admin, "piscine")} == {body, other}
    assert archive_search(UserFactory(), "piscine").count() == 0  # no body at all


# --- Stored vectors: kept up to date, alongside the freeze and the history ---------------------


def test_vectors_follow_edits_of_texts_and_debates(body: Body, admin: Any) -> None:
    deliberation = act(body, "Convention de partenariat")
    item = deliberation.item
    assert item is not None

    item.debate_summary = "<p>Madame Laversin ne prend pas part au vote.</p>"
    item.save()
    deliberation.title = "Avenant à la convention"
    deliberation.save()

    assert {h.kind for h in found(admin, "Laversin")} == {Kind.DELIBERATION, Kind.PV}
    assert titles(admin, "avenant") == ["Avenant à la convention"]
    AgendaItem.objects.filter(pk=item.pk).update(title="Point renommé")
    assert found(admin, "renommé")[0].kind == Kind.PV


def test_signed_acts_keep_their_vectors_frozen_but_can_be_reindexed(body: Body, admin: Any) -> None:
    deliberation = act(body, "Partenariat avec l'agence d'urbanisme")
    session = deliberation.item.session  # type: ignore[union-attr]
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(facts_frozen_at=now)
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status=Deliberation.Status.SIGNED, signed_at=now
    )
    ProcesVerbal.objects.filter(session=session).update(status="signed", signed_at=now)
    events = event_model(Deliberation)._default_manager.count()

    # Moving on in the lifecycle and computing the vectors again are allowed…
    Deliberation.objects.filter(pk=deliberation.pk).update(status=Deliberation.Status.TRANSMITTED)
    Deliberation.objects.filter(pk=deliberation.pk).update(search_vector=None)
    ProcesVerbal.objects.filter(session=session).update(search_vector=None)
    assert {h.kind for h in found(admin, "urbanisme")} == {Kind.DELIBERATION, Kind.PV}
    # … and the reindexing writes no history (the vector is not tracked).
    assert (
        event_model(Deliberation)._default_manager.count() == events + 2
    )  # before and after the transmission
    # The texts themselves stay frozen.
    with pytest.raises(IntegrityError, match="Acte signé"), transaction.atomic():
        Deliberation.objects.filter(pk=deliberation.pk).update(title="Autre objet")


def test_a_vector_cannot_be_forged(body: Body, admin: Any) -> None:
    deliberation = act(body, "Piscine intercommunale")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deliberations_deliberation SET search_vector = to_tsvector('simple', 'x') "
            "WHERE id = %s",
            [deliberation.pk],
        )

    assert titles(admin, "piscine")[0] == "Piscine intercommunale"
    assert found(admin, "x") == []


# --- One machinery for the other lists --------------------------------------------------------


def test_deliberation_list_and_session_list_use_the_same_search(body: Body, admin: Any) -> None:
    act(body, "Tarifs de la régie des eaux", debate="<p>Débat sur la tarification.</p>")

    assert [d.title for d in deliberation_list(admin, text="REGIES")] == [
        "Tarifs de la régie des eaux"
    ]
    assert [d.title for d in deliberation_list(admin, text="tarification")] == [
        "Tarifs de la régie des eaux"
    ]
    sessions = sessions_matching(sessions_for_user(admin), "regie")
    assert [s.date for s in sessions] == [dt.date(2023, 6, 13)]
    assert list(sessions_matching(sessions_for_user(admin), "aéroport")) == []


# --- Cost ------------------------------------------------------------------------------------------


def _archive(sessions: int, seed: int) -> None:
    call_command(
        "generate_archive", "--sessions", str(sessions), "--seed", str(seed), stdout=io.StringIO()
    )


def test_query_count_does_not_grow_with_the_archive(
    admin: Any, django_assert_num_queries: Any
) -> None:
    for sessions, seed in ((2, 1), (10, 2)):
        _archive(sessions, seed)
        results = archive_search(admin, "délibération")
        # The candidates (count and order), then the page's deliberations and PVs.
        with django_assert_num_queries(3):
            hits = results[0 : search_module.RANK_LIMIT]
            assert results.count() == len(hits)
        assert {h.kind for h in hits} == {Kind.DELIBERATION, Kind.PV}
        assert all("<mark>" in h.excerpt for h in hits)


def test_broad_searches_rank_the_most_recent_matches(
    body: Body, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "RANK_LIMIT", 3)
    made = [act(body, f"Convention n° {n}", day=dt.date(2020 + n, 1, 7)) for n in range(5)]

    results = archive_search(admin, "convention", SearchFilters(kind=Kind.DELIBERATION))

    assert results.count() == 3 and results.truncated
    assert {h.deliberation for h in results[0:10]} == set(made[2:])
    assert not archive_search(admin, "convention", SearchFilters(year=2024)).truncated
