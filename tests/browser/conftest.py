"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect, sync_playwright

from members.models import Body
from pma_governance.accounts.policy import two_factor_required
from tests.factories import Role, account, totp_code, totp_device

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "mot-de-passe-de-test-2023"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Module scope: Playwright's event loop must be gone before other tests run code that
# starts its own (pyHanko signing uses asyncio.run).
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium introuvable ({CHROMIUM}) : installez-le avec `apt-get install -y chromium`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[object]:
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            viewport={"width": 1366, "height": 1000}, locale="fr-FR", timezone_id="Europe/Paris"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def make_user(body: Body, username: str, role: Role = "secretariat", **fields: Any) -> User:
    """An `account` of `role` on `body`, to log in through the form with PASSWORD.

    An account that must use two-factor authentication has its application enrolled
    already: `login` types its code.
    """
    user = account(role, body, username=username, password=PASSWORD, **fields)
    if two_factor_required(user):
        totp_device(user)
    return user


def login(page: Page, base_url: str, username: str) -> None:
    """Log in through the form; when the code page follows, type the application's code."""
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Nom d’utilisateur").or_(page.locator("#id_username")).first.fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: not url.endswith("/connexion/"))
    if "/connexion/code/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Code à 6 chiffres").fill(totp_code(device))
        page.get_by_role("button", name="Valider").click()
        page.wait_for_url(lambda url: "/connexion/code/" not in url)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def counter(page: Page, testid: str) -> int:
    text = page.get_by_test_id(testid).first.inner_text()
    match = re.search(r"\d+", text)
    assert match, f"no figure in {testid}: {text!r}"
    return int(match.group(0))


def after_swap(page: Page, action: Callable[[], object]) -> None:
    """Run an action that makes htmx re-render the live panel, and wait for the new one."""
    marker = page.get_by_test_id("panel-render")
    before = marker.get_attribute("data-render") or ""
    action()
    expect(marker).not_to_have_attribute("data-render", before)
