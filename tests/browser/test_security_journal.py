"""The security journal in the browser: a superuser finds a failed login of the night before
— who, from where — and narrows the journal to the failures."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, login, make_user, screenshot
from tests.factories import BodyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_superuser_reads_and_filters_the_security_journal(
    live_server: object, new_page: Callable[[], Page]
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    body = BodyFactory(short_name="PMA")
    make_user(body, "rssi", "superuser")
    make_user(body, "secretaire")
    page = new_page()
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill("secretaire")
    page.locator("#id_password").fill(PASSWORD + "-faux")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#id_password")).to_be_visible()

    login(page, base, "rssi")
    page.get_by_role("link", name="Journal de sécurité").click()

    journal = page.locator("#journal")
    failure = journal.locator("tr", has_text="Échec de connexion")
    expect(failure).to_contain_text("secretaire")
    expect(failure).to_contain_text("127.0.0.1")
    expect(journal.locator("tr", has_text="Connexion").filter(has_text="rssi")).not_to_have_count(0)
    screenshot(page, "journal-de-securite")

    page.get_by_label("Événement").select_option(label="Échec de connexion")
    page.get_by_role("button", name="Filtrer").click()

    expect(page.locator("#nombre")).to_have_text("1 événement")
    expect(journal.locator("tbody tr")).to_have_count(1)
    expect(journal).to_contain_text("secretaire")
