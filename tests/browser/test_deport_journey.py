"""An élu declares a déport in his space; at the vote the secretariat finds it pre-filled."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from deliberations.models import Vote
from meetings.models import AgendaItem, Deport, Session
from members.models import Mandate
from pma_governance.interchange.importer import import_document
from tests.browser.conftest import login, make_user, screenshot
from tests.pma_governance.live.test_views import _unvoted_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AULA = "présidente de l'Agence d'urbanisme de l'Artois (AULA)"


@pytest.fixture
def session() -> Session:
    return import_document(_unvoted_seed())


def test_an_elu_declares_a_deport_and_the_vote_states_it(
    live_server: object, new_page: Callable[[], Page], session: Session
) -> None:
    laversin = Mandate.objects.get(body=session.body, external_id="laversin")
    item = AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )
    make_user(session.body, "laversin", "elu", mandate=laversin)
    make_user(session.body, "secretariat")
    base = live_server.url  # type: ignore[attr-defined]
    # The élu declares in advance, while the session is convened; it is then held.
    held = session.status
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CONVENED)

    elu = new_page()
    login(elu, base, "laversin")
    elu.goto(f"{base}/espace/seances/{session.pk}/")
    row = elu.locator(f"#point-{item.pk}")
    row.get_by_text("Je me déporte sur ce point").click()
    row.get_by_label("Motif").fill(AULA)
    row.get_by_role("button", name="Déclarer mon déport").click()
    expect(elu.get_by_text("Déport enregistré")).to_be_visible()
    expect(elu.get_by_test_id("my-deport")).to_contain_text(AULA)
    screenshot(elu, "elu-deport")
    Session.objects.filter(pk=session.pk).update(status=held)

    secretary = new_page()
    login(secretary, base, "secretariat")
    secretary.goto(f"{base}/seances/{session.pk}/")
    expect(secretary.get_by_test_id("deport")).to_contain_text("déclaré par l'élu")
    secretary.goto(f"{base}/seances/{session.pk}/seance/")
    form = secretary.get_by_test_id(f"vote-form-{item.position}")
    expect(
        form.locator(f'input[name="item{item.pk}-not_voting"][value="{laversin.pk}"]')
    ).to_be_checked()
    expect(form.locator(f'input[name="item{item.pk}-not_voting_reason"]')).to_have_value(AULA)
    form.get_by_role("button", name="Adopté à l'unanimité").click()
    expect(secretary.get_by_test_id("not-voting").first).to_contain_text("Corinne Laversin")

    vote = Vote.objects.get(item=item)
    assert list(vote.not_voting.all()) == [laversin]
    assert vote.not_voting_reason == AULA
    assert Deport.objects.get(item=item).by_secretariat is False
