"""Two-factor authentication in Chromium: an administrator enrols his application from the
QR code page (the code is computed from the secret the page shows, as a phone would),
then logs in again with a code."""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Callable

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, screenshot
from tests.factories import BodyFactory, account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an application shows for this secret (one step ahead: django-otp accepts
    each step once, and the next one too)."""
    totp = TOTP(b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)))
    totp.time = totp.time + steps_ahead * 30
    return f"{totp.token():06d}"


def _password(page: Page, base: str) -> None:
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill("bavay")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_an_administrator_enrols_then_logs_in_with_a_code(
    live_server: object, new_page: Callable[[], Page]
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    # A superuser: the admin, where the code leads him, opens to superusers only.
    account(
        "administrator",
        BodyFactory(),
        username="bavay",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    page = new_page()

    _password(page, base)
    expect(page.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    qr = page.get_by_test_id("otp-qr")
    expect(qr).to_be_visible()
    # The QR code is drawn by the server and loads as an image.
    qr.element_handle().wait_for_element_state("visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    secret = page.get_by_test_id("otp-secret").inner_text()
    screenshot(page, "two-factor-enrolment")
    page.get_by_label("Code à 6 chiffres").fill(_code(secret))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_text("La double authentification est activée")).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    _password(page, base)
    expect(page.get_by_role("heading", name="Code de connexion")).to_be_visible()
    page.goto(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Code de connexion")).to_be_visible()
    page.get_by_label("Code à 6 chiffres").fill(_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Administration des assemblées")).to_be_visible()
