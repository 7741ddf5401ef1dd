"""What the browser shows when the law or a colleague says no: kept input, both texts."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from meetings.models import Proxy, Session
from meetings.services import proxy_grant
from members.models import Mandate
from pma_governance.interchange.importer import import_document
from tests.browser.conftest import after_swap, counter, login, make_user, screenshot
from tests.conftest import seed_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed() -> Session:
    """The seed session with its roll call, before any vote."""
    doc = seed_document()
    for item in doc["session"]["items"]:
        for key in ("vote", "not_voting", "prefecture", "number"):
            item.pop(key, None)
    return import_document(doc)


def _mandate(session: Session, external_id: str) -> Mandate:
    return Mandate.objects.get(body=session.body, external_id=external_id)


def test_illegal_proxy_is_refused_and_the_form_keeps_its_input(
    live_server: object, new_page: Callable[[], Page], seed: Session
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    make_user(seed.body, "lucie", first_name="Lucie", last_name="Martin")
    page = new_page()
    login(page, base, "lucie")
    page.goto(f"{base}/seances/{seed.pk}/seance/")
    assert counter(page, "counted") == 17

    giver, holder = _mandate(seed, "t15"), _mandate(seed, "della-franca")
    # Choosing the giver re-renders the panel with that giver's legal holders: wait for it.
    after_swap(page, lambda: page.locator("#id_giver").select_option(label="Titulaire 15"))
    expect(page.locator("#id_giver")).to_have_value(str(giver.pk))
    page.locator("#id_holder").select_option(label="Marcello Della Franca")
    page.locator("#id_received_on").fill("2023-06-12")

    # Meanwhile, at the other end of the room, a colleague records a proxy to the same
    # holder: Marcello Della Franca may hold one proxy only (CGCT L2121-20).
    proxy_grant(session=seed, giver=_mandate(seed, "t16"), holder=holder)

    page.get_by_role("button", name="Enregistrer le pouvoir").click()
    errors = page.get_by_test_id("proxy-errors")
    expect(errors).to_contain_text("Marcello Della Franca")
    expect(page.locator("#id_giver")).to_have_value(str(giver.pk))
    expect(page.locator("#id_holder")).to_have_value(str(holder.pk))
    expect(page.locator("#id_received_on")).to_have_value("2023-06-12")
    screenshot(page, "05-pouvoir-refuse")
    assert not Proxy.objects.filter(session=seed, giver=giver).exists()
    # The refused proxy changed nothing: 17 plus the colleague's proxy.
    assert counter(page, "counted") == 18


def test_two_secretaries_editing_the_pv_see_a_conflict_not_a_silent_overwrite(
    live_server: object, new_page: Callable[[], Page], seed: Session
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    make_user(seed.body, "lucie", first_name="Lucie", last_name="Martin")
    make_user(seed.body, "marc", first_name="Marc", last_name="Durand")
    lucie, marc = new_page(), new_page()
    login(lucie, base, "lucie")
    login(marc, base, "marc")
    url = f"{base}/seances/{seed.pk}/pv/"
    lucie.goto(url)
    marc.goto(url)

    lucie.get_by_role("textbox", name="Préambule").fill(
        "Monsieur le Président salue les élus présents."
    )
    lucie.get_by_role("button", name="Enregistrer le procès-verbal").click()
    expect(lucie.get_by_role("alert").first).to_contain_text("Procès-verbal enregistré")

    marc.get_by_role("textbox", name="Préambule").fill("Monsieur le Président introduit la séance.")
    marc.get_by_role("button", name="Enregistrer le procès-verbal").click()
    conflict = marc.get_by_test_id("pv-conflict")
    expect(conflict).to_contain_text("Lucie Martin")
    expect(conflict.get_by_test_id("conflict-mine")).to_contain_text(
        "Monsieur le Président introduit la séance."
    )
    expect(conflict.get_by_test_id("conflict-theirs")).to_contain_text(
        "Monsieur le Président salue les élus présents."
    )
    # Marc's text is still in his form.
    expect(marc.get_by_role("textbox", name="Préambule")).to_have_value(
        "Monsieur le Président introduit la séance."
    )
    screenshot(marc, "06-conflit-proces-verbal")
    seed.pv.refresh_from_db()
    assert "salue les élus présents" in seed.pv.preamble

    # Keeping his version after reading the conflict is his deliberate choice.
    marc.get_by_role("button", name="Enregistrer le procès-verbal").click()
    expect(marc.get_by_role("alert").first).to_contain_text("Procès-verbal enregistré")
    seed.pv.refresh_from_db()
    assert "introduit la séance" in seed.pv.preamble
    assert re.search(r"Version 3", marc.locator("main").inner_text())


def test_pv_preview_follows_the_typing(
    live_server: object, new_page: Callable[[], Page], seed: Session
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    make_user(seed.body, "lucie", first_name="Lucie", last_name="Martin")
    page = new_page()
    login(page, base, "lucie")
    page.goto(f"{base}/seances/{seed.pk}/pv/")
    preview = page.frame_locator("#pv-preview")
    expect(preview.locator("body")).to_contain_text("PROCÈS-VERBAL")
    expect(preview.locator("body")).to_contain_text("Nombre de membres présents ou représentés")
    page.get_by_role("textbox", name="Préambule").fill(
        "Le Président ouvre la séance et salue Gilles Huchette."
    )
    expect(preview.locator("body")).to_contain_text("salue Gilles Huchette", timeout=10_000)
    screenshot(page, "07-redaction-proces-verbal")
    seed.pv.refresh_from_db()
    assert "Gilles Huchette" not in seed.pv.preamble
