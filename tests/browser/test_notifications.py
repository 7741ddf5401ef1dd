"""An élu chooses his e-mails in « Mes courriels »: the choices hold after a reload, the
convocation stays on whatever he does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from members.models import Body, Mandate
from members.notifications import preferences_of
from tests.browser.conftest import login, make_user, screenshot
from tests.factories import BodyFactory, MandateFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mandate() -> Mandate:
    body: Body = BodyFactory(short_name="PMA", name="Pôle Métropolitain de l'Artois")
    person = PersonFactory(
        civility="Mme", first_name="Corinne", last_name="Laversin", email="c.laversin@example.fr"
    )
    return MandateFactory(body=body, person=person)


def test_an_elu_changes_his_emails_and_finds_them_after_a_reload(
    live_server: object, new_page: Callable[[], Page], mandate: Mandate
) -> None:
    make_user(mandate.body, "laversin", "elu", mandate=mandate)
    base = live_server.url  # type: ignore[attr-defined]
    page = new_page()
    login(page, base, "laversin")

    page.goto(f"{base}/espace/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes courriels"
    ).click()
    expect(page.get_by_role("heading", name="Mes courriels")).to_be_visible()
    convocation = page.get_by_label("Convocations aux séances")
    expect(convocation).to_be_checked()
    expect(convocation).to_be_disabled()

    page.get_by_label("Pouvoirs donnés ou reçus").uncheck()
    page.get_by_label("Rappels avant une séance").uncheck()
    page.get_by_label("Recevoir aussi la convocation sur papier").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_text("Vos choix de courriels sont enregistrés.")).to_be_visible()
    screenshot(page, "mes-courriels")

    page.reload()
    expect(page.get_by_label("Pouvoirs donnés ou reçus")).not_to_be_checked()
    expect(page.get_by_label("Rappels avant une séance")).not_to_be_checked()
    expect(page.get_by_label("Déports")).to_be_checked()
    expect(page.get_by_label("Recevoir aussi la convocation sur papier")).to_be_checked()
    expect(page.get_by_label("Convocations aux séances")).to_be_checked()
    expect(page.get_by_label("Convocations aux séances")).to_be_disabled()

    page.get_by_label("Pouvoirs donnés ou reçus").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_text("Vos choix de courriels sont enregistrés.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Pouvoirs donnés ou reçus")).to_be_checked()

    assert preferences_of(mandate.person) == {"proxy": True, "reminder": False, "deport": True}
    mandate.person.refresh_from_db()
    assert mandate.person.paper_convocation is True
