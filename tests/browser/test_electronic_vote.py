"""Electronic voting in the room: the secretariat opens a roll-call vote, two élus (one
holding a pouvoir) vote from their devices, the secretariat closes it, the room display
shows the result without reloading and the PV names who voted how."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from meetings.models import AgendaItem, Session
from members.models import Mandate
from pma_governance.interchange.importer import import_document
from pma_governance.live.evote import ballot_cast, electronic_vote_set, item_voices, poll_open
from pma_governance.live.models import ElectronicPoll
from pma_governance.live.services import display_token_issue
from tests.browser.conftest import login, make_user, screenshot
from tests.browser.test_accessibility import _check
from tests.pma_governance.live.test_views import _unvoted_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOON = 3_000


@pytest.fixture
def session() -> Session:
    return import_document(_unvoted_seed())


def test_two_elus_vote_from_their_devices_and_the_room_sees_the_result(
    live_server: object, new_page: Callable[[], Page], session: Session
) -> None:
    item = AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )
    bavay = Mandate.objects.select_related("person").get(body=session.body, external_id="bavay")
    voices = item_voices(item)
    second = (
        Mandate.objects.select_related("person")
        .filter(pk__in=voices.own - set(voices.proxies.values()) - {bavay.pk})
        .order_by("pk")
        .first()
    )
    assert second is not None
    make_user(session.body, "secretariat")
    make_user(session.body, "bavay", "elu", mandate=bavay)
    make_user(session.body, "second", "elu", mandate=second)
    base = live_server.url  # type: ignore[attr-defined]

    room = new_page()
    room.goto(f"{base}/seances/{session.pk}/ecran/?jeton={display_token_issue(session=session)}")
    room.evaluate("window.notReloaded = true")

    secretary = new_page()
    login(secretary, base, "secretariat")
    secretary.goto(f"{base}/seances/{session.pk}/seance/")
    secretary.get_by_role("button", name="Activer le vote électronique").click()
    card = secretary.get_by_test_id(f"item-{item.position}")
    opening = card.get_by_test_id(f"poll-open-{item.position}")
    opening.get_by_label("Mode de scrutin").select_option("public")
    opening.get_by_role("button", name="Ouvrir le vote électronique").click()
    panel = secretary.get_by_test_id("evote-panel")
    expect(panel).to_contain_text(f"0 voix exprimées sur {len(voices.all)}")
    expect(room.get_by_test_id("room-poll")).to_contain_text("Vote en cours", timeout=SOON)

    # The rest of the room votes from its devices (the service the device's page calls).
    poll = ElectronicPoll.objects.get(item=item, state="open")
    others = voices.all - {
        bavay.pk,
        second.pk,
        *[g for g, h in voices.proxies.items() if h == bavay.pk],
    }
    for pk in sorted(others):
        caster = Mandate.objects.get(pk=voices.caster(pk) or 0)
        ballot_cast(poll=poll, voter=caster, for_mandate=Mandate.objects.get(pk=pk), choice="for")

    elu = new_page()
    login(elu, base, "bavay")
    elu.goto(f"{base}/espace/seances/{session.pk}/en-direct/")
    own = elu.get_by_test_id(f"ballot-{bavay.pk}")
    expect(own).to_contain_text("Votre vote")
    # Keyboard: the « Pour » button takes the focus and Enter casts the vote.
    own.get_by_role("button", name="Pour", exact=True).focus()
    elu.keyboard.press("Enter")
    expect(elu.get_by_test_id(f"ballot-{bavay.pk}").get_by_test_id("ballot-state")).to_contain_text(
        "Vote actuel : Pour"
    )
    bossart = Mandate.objects.get(body=session.body, external_id="bossart")
    elu.get_by_role("button", name="Contre au nom de Steve Bossart").click()
    expect(
        elu.get_by_test_id(f"ballot-{bossart.pk}").get_by_test_id("ballot-state")
    ).to_contain_text("Vote actuel : Contre")

    device = new_page()
    login(device, base, "second")
    device.goto(f"{base}/espace/seances/{session.pk}/en-direct/")
    device.get_by_role("button", name="Abstention", exact=True).click()
    expect(device.get_by_test_id("ballot-state")).to_contain_text("Vote actuel : Abstention")

    # The secretariat sees every voice cast, live, and not how.
    expect(panel).to_contain_text(
        f"{len(voices.all)} voix exprimées sur {len(voices.all)}", timeout=SOON
    )
    expect(panel.get_by_test_id("evote-voices")).not_to_contain_text("Contre")
    panel.get_by_role("button", name="Clore le scrutin et enregistrer le vote").click()
    expect(card.get_by_test_id("result")).to_contain_text("Adopté")

    expect(room.get_by_test_id("room-result")).to_contain_text("Adoptée", timeout=SOON)
    expect(room.get_by_test_id("room-poll")).to_have_count(0)
    assert room.evaluate("window.notReloaded") is True
    screenshot(room, "room-evote-result")

    pv = new_page()
    login(pv, base, "secretariat")
    pv.goto(base + reverse("meetings:pv_preview", args=[session.pk]))
    expect(pv.locator("body")).to_contain_text("Ont voté contre : Steve Bossart")
    expect(pv.locator("body")).to_contain_text(f"Se sont abstenus : {second.person.full_name}")


def test_the_voting_pages_have_no_serious_accessibility_violation(
    live_server: object, new_page: Callable[[], Page], session: Session
) -> None:
    item = AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )
    electronic_vote_set(session=session, enabled=True)
    poll = poll_open(item=item, mode="public")
    bavay = Mandate.objects.get(body=session.body, external_id="bavay")
    ballot_cast(poll=poll, voter=bavay, for_mandate=bavay, choice="for")
    token = display_token_issue(session=session)
    make_user(session.body, "secretariat")
    make_user(session.body, "bavay", "elu", mandate=bavay)
    base = live_server.url  # type: ignore[attr-defined]

    room = new_page()
    problems = _check(
        room, base, [f"/seances/{session.pk}/ecran/?jeton={token}"], "axe-vote-salle", polling=True
    )
    elu = new_page()
    login(elu, base, "bavay")
    problems += _check(
        elu, base, [f"/espace/seances/{session.pk}/en-direct/"], "axe-vote-elu", polling=True
    )
    secretary = new_page()
    login(secretary, base, "secretariat")
    problems += _check(
        secretary, base, [f"/seances/{session.pk}/seance/"], "axe-vote-secretariat", polling=True
    )
    assert problems == [], "\n".join(problems)
