"""The formatting toolbar of the PV texts and of the considérants, driven in Chromium."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from meetings.models import Session
from pma_governance.interchange.importer import import_document
from tests.browser.conftest import login, make_user, screenshot
from tests.conftest import seed_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed() -> Session:
    """The seed session, its PV still a draft."""
    return import_document(seed_document())


@pytest.fixture
def open_page(
    live_server: object, new_page: Callable[[], Page], seed: Session
) -> Callable[[str], Page]:
    """Open a path of the live server as a secretary of the seed's assembly."""
    base = live_server.url  # type: ignore[attr-defined]
    make_user(seed.body, "lucie")
    page = new_page()
    login(page, base, "lucie")

    def open_path(path: str) -> Page:
        page.goto(base + path)
        return page

    return open_path


def _select(area: Locator, text: str) -> None:
    area.evaluate(
        "(area, text) => { const at = area.value.indexOf(text);"
        " area.setSelectionRange(at, at + text.length); }",
        text,
    )


def test_bold_in_the_pv_preamble_shows_in_the_preview(
    open_page: Callable[[str], Page], seed: Session
) -> None:
    page = open_page(f"/seances/{seed.pk}/pv/")
    area = page.get_by_role("textbox", name="Préambule")
    area.fill("Le Président salue Gilles Huchette.")
    _select(area, "Gilles Huchette")

    toolbar = page.get_by_role("toolbar", name="Mise en forme de « Préambule »")
    toolbar.get_by_role("button", name="G : mettre en gras").click()

    expect(area).to_have_value("Le Président salue <strong>Gilles Huchette</strong>.")
    preview = page.frame_locator("#pv-preview")
    expect(preview.locator("strong", has_text="Gilles Huchette")).to_be_visible(timeout=10_000)
    screenshot(page, "08-mise-en-forme-proces-verbal")


def test_selected_lines_of_the_considerants_become_a_list(
    open_page: Callable[[str], Page], seed: Session
) -> None:
    page = open_page(f"/deliberations/nouveau/?assemblee={seed.body.short_name}")
    area = page.locator("#id_considerants")
    area.fill("CONSIDÉRANT :\nla mobilité\nle climat")
    _select(area, "la mobilité\nle climat")

    toolbar = page.get_by_role("toolbar", name="Mise en forme des considérants")
    toolbar.get_by_role("button", name="Liste à puces").click()

    expect(area).to_have_value(
        "CONSIDÉRANT :\n<ul>\n<li>la mobilité</li>\n<li>le climat</li>\n</ul>"
    )
    screenshot(page, "09-mise-en-forme-considerants")
