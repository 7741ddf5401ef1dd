"""Password change from « Mon compte », and password reset by e-mail through a real SMTP
server (aiosmtpd): the French e-mail's link sets a new password that then logs in."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.conftest import Inbox
from tests.factories import DEFAULT_PASSWORD, UserFactory, login_as

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-nouveau-mot-de-passe-2026"


def _logs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_login_page_and_user_menu_link_to_the_password_pages(client: Client) -> None:
    login_page = client.get(reverse("login")).content.decode()
    login_as(client, "secretariat")
    menu = client.get(reverse("accounts:index"))

    assert f'href="{reverse("accounts:password_reset")}"' in login_page
    assert "Mot de passe oublié ?" in login_page
    assert f'href="{reverse("accounts:index")}"' in menu.content.decode()
    assert f'href="{reverse("accounts:password_change")}"' in menu.content.decode()


def test_password_change_from_my_account(client: Client) -> None:
    user = login_as(client, "secretariat", username="lucie")

    form = client.get(reverse("accounts:password_change"))
    wrong_old = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pas-le-bon",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    changed = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert "Changer mon mot de passe" in form.content.decode()
    assert "Votre ancien mot de passe est incorrect" in wrong_old.content.decode()
    assert changed.status_code == 302
    assert changed["Location"] == reverse("accounts:password_change_done")
    assert "Mot de passe changé" in client.get(changed["Location"]).content.decode()
    assert _logs_in(user.username, NEW_PASSWORD)
    assert not _logs_in(user.username, DEFAULT_PASSWORD)


def test_password_reset_by_email_through_smtp(client: Client, smtp_inbox: Inbox) -> None:
    UserFactory(
        username="lucie", email="lucie.martin@example.fr", first_name="Lucie", last_name="N'Diaye"
    )

    form = client.get(reverse("accounts:password_reset"))
    sent = client.post(reverse("accounts:password_reset"), {"email": "lucie.martin@example.fr"})

    assert "Mot de passe oublié" in form.content.decode()
    assert sent.status_code == 302
    assert "Vérifiez votre messagerie" in client.get(sent["Location"]).content.decode()
    [message] = smtp_inbox.messages
    assert message["To"] == "lucie.martin@example.fr"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["Subject"] == "Choisir un nouveau mot de passe — PMA Governance"
    assert message.get_content_type() == "text/plain"
    body = smtp_inbox.text()
    # Plain text from data: the name as typed, nothing HTML-escaped.
    assert body.startswith("Bonjour Lucie N'Diaye,")
    assert "« lucie »" in body and "valable 1 heure" in body
    link = re.search(r"^(https?://\S+)$", body, re.MULTILINE)
    assert link is not None
    assert link.group(1).startswith(settings.SITE_URL.rstrip("/") + "/connexion/")

    path = link.group(1).removeprefix(settings.SITE_URL.rstrip("/"))
    set_password = client.get(path)  # Django moves the token into the session
    page = client.get(set_password["Location"])
    done = client.post(
        set_password["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    reused = client.get(path)

    assert "Choisir un nouveau mot de passe" in page.content.decode()
    assert done.status_code == 302
    assert "Mot de passe enregistré" in client.get(done["Location"]).content.decode()
    assert "plus valable" in reused.content.decode()
    assert _logs_in("lucie", NEW_PASSWORD)
    assert not _logs_in("lucie", DEFAULT_PASSWORD)


def test_an_unknown_address_gets_the_same_page_and_no_email(
    client: Client, smtp_inbox: Inbox
) -> None:
    UserFactory(username="lucie", email="lucie.martin@example.fr")

    sent = client.post(reverse("accounts:password_reset"), {"email": "inconnu@example.fr"})

    assert sent.status_code == 302
    assert sent["Location"] == reverse("accounts:password_reset_done")
    assert smtp_inbox.messages == []


def test_a_new_password_from_the_email_lifts_the_lockout(client: Client, smtp_inbox: Inbox) -> None:
    UserFactory(username="lucie", email="lucie.martin@example.fr")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lucie", "password": f"faux-{n}"})
    assert not _logs_in("lucie", DEFAULT_PASSWORD)

    client.post(reverse("accounts:password_reset"), {"email": "lucie.martin@example.fr"})
    body = smtp_inbox.text()
    path = re.sub(r"^https?://[^/]+", "", re.findall(r"^https?://\S+$", body, re.MULTILINE)[0])
    form = client.get(path)["Location"]
    client.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert _logs_in("lucie", NEW_PASSWORD)
    assert User.objects.get(username="lucie").check_password(NEW_PASSWORD)
