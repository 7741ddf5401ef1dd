"""An élu annotates a projet in the browser, without JavaScript help, and exports his notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login, make_user
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    MandateFactory,
    SessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_elu_annotates_a_projet_and_exports_his_notes(
    live_server: object, new_page: Callable[[], Page]
) -> None:
    body = BodyFactory(short_name="PMA", name="Pôle Métropolitain de l'Artois")
    session = SessionFactory(body=body, date=dt.date(2023, 6, 13), convened_on=dt.date(2023, 6, 6))
    item = AgendaItemFactory(session=session, position=1, title="Partenariat avec l'Agence")
    DeliberationFactory(item=item, body=body, title="Partenariat avec l'Agence d'urbanisme")
    make_user(body, "bossart", "elu", mandate=MandateFactory(body=body))
    base = live_server.url  # type: ignore[attr-defined]
    page = new_page()
    login(page, base, "bossart")

    page.goto(f"{base}/espace/seances/{session.pk}/")
    page.get_by_role("link", name="Annoter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Partenariat avec l'Agence d'urbanisme"
    )
    page.get_by_role("textbox", name="Ma note personnelle").fill("Demander le coût pour 2024.")
    page.get_by_role("button", name="Enregistrer ma note").click()
    expect(page.get_by_text("Votre note est enregistrée.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Ma note personnelle")).to_have_value(
        "Demander le coût pour 2024."
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter mes notes (Markdown)").click()
    path = download.value.path()
    exported = path.read_text(encoding="utf-8")
    assert download.value.suggested_filename.endswith(".md")
    assert "séance du 13 juin 2023 — point n° 1" in exported
    assert "Demander le coût pour 2024." in exported
    page.goto(f"{base}/espace/seances/{session.pk}/")
    expect(page.get_by_role("link", name="Ma note")).to_be_visible()
