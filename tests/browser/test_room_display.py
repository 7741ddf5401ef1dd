"""The room display and an élu's device follow the session without reloading: the
secretariat shows an item and records its vote, both screens say « adoptée » in seconds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from meetings.models import AgendaItem, Session
from members.models import Mandate
from pma_governance.interchange.importer import import_document
from pma_governance.live.services import display_token_issue
from tests.browser.conftest import login, make_user, screenshot
from tests.pma_governance.live.test_views import _unvoted_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The pages poll every 500 ms: a change shows well within this.
SOON = 3_000


@pytest.fixture
def session() -> Session:
    return import_document(_unvoted_seed())


def test_the_room_and_an_elu_see_the_vote_without_reloading(
    live_server: object, new_page: Callable[[], Page], session: Session
) -> None:
    item = AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )
    bavay = Mandate.objects.get(body=session.body, external_id="bavay")
    make_user(session.body, "secretariat")
    make_user(session.body, "bavay", "elu", mandate=bavay)
    base = live_server.url  # type: ignore[attr-defined]

    # The projector's computer: no account, the token the secretariat created.
    token = display_token_issue(session=session)
    room = new_page()
    room.goto(f"{base}/seances/{session.pk}/ecran/?jeton={token}")
    expect(room.get_by_test_id("room-current")).to_contain_text("Aucun point affiché")
    expect(room.get_by_test_id("room-quorum-status")).to_have_text("Quorum atteint")
    room.evaluate("window.notReloaded = true")
    # The token left the address bar (a cookie of the display keeps it).
    assert "jeton" not in room.url

    elu = new_page()
    login(elu, base, "bavay")
    elu.goto(f"{base}/espace/seances/{session.pk}/en-direct/")
    expect(elu.get_by_test_id("me-holds")).to_have_text("Vous détenez le pouvoir de Steve Bossart.")
    elu.evaluate("window.notReloaded = true")

    secretary = new_page()
    login(secretary, base, "secretariat")
    secretary.goto(f"{base}/seances/{session.pk}/seance/")
    card = secretary.get_by_test_id(f"item-{item.position}")
    card.get_by_role("button", name="Afficher ce point à l'écran").click()
    expect(card.get_by_test_id("on-screen")).to_be_visible()

    expect(room.get_by_test_id("room-current")).to_contain_text(item.title, timeout=SOON)
    expect(elu.get_by_test_id("room-current")).to_contain_text(item.title, timeout=SOON)

    card.get_by_test_id(f"vote-form-{item.position}").get_by_role(
        "button", name="Adopté à l'unanimité"
    ).click()
    expect(card.get_by_test_id("result")).to_contain_text("Adopté")

    expect(room.get_by_test_id("room-result")).to_contain_text("Adoptée", timeout=SOON)
    expect(elu.get_by_test_id("room-result")).to_contain_text("Adoptée", timeout=SOON)
    expect(room.locator("#live-announce")).to_contain_text("adopté", timeout=SOON)
    assert room.evaluate("window.notReloaded") is True
    assert elu.evaluate("window.notReloaded") is True
    screenshot(room, "room-display")
    screenshot(elu, "elu-live")

    # A new address for the projector: this one says it has lost its access.
    display_token_issue(session=session)
    expect(room.locator("[data-live-offline]")).to_contain_text(
        "Cet écran n'a plus accès à la séance", timeout=SOON
    )
