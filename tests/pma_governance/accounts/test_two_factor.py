"""Two-factor authentication (TOTP, django-otp): required for the accounts that sign,
transmit or administer, optional for the others. Codes are computed here from the
device's key, as the user's application computes them; time moves with time-machine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import Body
from pma_governance.accounts.policy import two_factor_required
from tests.factories import (
    DEFAULT_PASSWORD,
    BodyFactory,
    MandateFactory,
    SessionFactory,
    UserFactory,
    account,
    login_as,
    totp_code,
    totp_device,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ENROL = reverse("accounts:otp_enrol")
VERIFY = reverse("accounts:otp_verify")


@pytest.fixture
def body(db: None) -> Body:
    return BodyFactory(short_name="SMC")


def _password_login(client: Client, user: User, path: str = "/") -> Any:
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": DEFAULT_PASSWORD, "next": path},
    )
    assert response.status_code == 302, "the password is right"
    return client.get(path)


def _pending_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


# --- Who must use it ----------------------------------------------------------------------


def test_required_for_accounts_that_sign_transmit_or_administer(body: Body) -> None:
    president = MandateFactory(body=body)
    secretary = MandateFactory(body=body)
    SessionFactory(body=body, president=president, secretary=secretary)
    transmitter = account("secretariat", body, username="transmet")
    transmitter.user_permissions.add(Permission.objects.get(codename="transmit_deliberation"))

    required = {
        "superuser": account("superuser"),
        "staff": UserFactory(username="equipe", is_staff=True),
        "administrator (signs, transmits)": account("administrator", body),
        "transmit permission": User.objects.get(pk=transmitter.pk),
        "president of a session": account("elu", body, mandate=president, username="pres"),
        "secretary of a session": account("elu", body, mandate=secretary, username="secr"),
    }
    optional = {
        "secretariat": account("secretariat", body, username="sec"),
        "élu": account("elu", body, username="elu"),
    }

    assert {name: two_factor_required(u) for name, u in required.items()} == dict.fromkeys(
        required, True
    )
    assert {name: two_factor_required(u) for name, u in optional.items()} == dict.fromkeys(
        optional, False
    )


# --- Enrolment, then a code at every login ------------------------------------------------


def test_an_administrator_enrols_then_gives_a_code_at_each_login(
    client: Client, body: Body
) -> None:
    # A superuser: the admin, where the code leads him, opens to superusers only.
    user = account("administrator", body, username="bavay", is_staff=True, is_superuser=True)

    with time_machine.travel(START, tick=False) as traveller:
        home = _password_login(client, user)
        assert home.status_code == 302 and home["Location"] == f"{ENROL}?next=%2F"
        enrol = client.get(home["Location"])
        device = _pending_device(user)
        qr = client.get(reverse("accounts:otp_qr"))
        wrong = client.post(ENROL, {"code": "000000", "next": "/"})
        traveller.shift(dt.timedelta(seconds=2))  # a wrong code delays the next try by 1 s
        right = client.post(ENROL, {"code": totp_code(device), "next": "/"})
        after = client.get("/")

        client.post(reverse("logout"))
        traveller.shift(dt.timedelta(seconds=30))
        second_login = _password_login(client, user, reverse("admin:index"))
        code_page = client.get(second_login["Location"])
        verified = client.post(VERIFY, {"code": totp_code(device), "next": reverse("admin:index")})
        admin = client.get(reverse("admin:index"))

    page = enrol.content.decode()
    assert "Activer la double authentification" in page
    assert "obligatoire" in page
    secret = page.split('data-testid="otp-secret">')[1].split("<")[0]
    assert secret.replace(" ", "") in device.config_url
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") or b"<svg" in qr.content[:200]
    assert "Ce code n&#x27;est pas le bon" in wrong.content.decode()
    assert right.status_code == 302 and right["Location"] == "/"
    assert after.status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    assert second_login["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert "Code de connexion" in code_page.content.decode()
    assert verified.status_code == 302 and verified["Location"] == reverse("admin:index")
    assert admin.status_code == 200


def test_without_the_code_every_page_and_the_admin_send_to_the_code_page(
    client: Client, body: Body
) -> None:
    user = account("administrator", body, username="bavay", is_staff=True)
    totp_device(user)
    _password_login(client, user)
    session = SessionFactory(body=body)

    pages = ["/", reverse("meetings:session_list"), reverse("deliberations:list")]
    pages += [reverse("meetings:session_detail", args=[session.pk]), reverse("admin:index")]
    pages += [reverse("admin:members_body_changelist"), reverse("accounts:index")]
    answers = {path: client.get(path) for path in pages}
    post = client.post(reverse("meetings:session_create"), {"date": "2026-04-01"})
    htmx = client.get(reverse("meetings:session_list"), headers={"HX-Request": "true"})

    for path, response in answers.items():
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY + "?next="), path
    assert post.status_code == 302 and post["Location"] == f"{VERIFY}?next=%2F"
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(VERIFY)


def test_a_password_alone_cannot_enrol_a_new_device_over_the_old_one(
    client: Client, body: Body
) -> None:
    user = account("administrator", body, username="bavay", is_staff=True)
    totp_device(user)
    _password_login(client, user)

    enrol = client.get(ENROL)
    post = client.post(ENROL, {"code": "123456"})
    qr = client.get(reverse("accounts:otp_qr"))

    assert enrol.status_code == 302 and enrol["Location"].startswith(VERIFY)
    assert post.status_code == 302 and post["Location"].startswith(VERIFY)
    assert qr.status_code == 404
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_wrong_codes_make_the_next_try_wait(client: Client, body: Body) -> None:
    user = account("administrator", body, username="bavay", is_staff=True)
    device = totp_device(user)

    with time_machine.travel(START, tick=False) as traveller:
        _password_login(client, user)
        client.post(VERIFY, {"code": "000000"})
        client.post(VERIFY, {"code": "000001"})  # 1 s not waited: refused without a check
        traveller.shift(dt.timedelta(seconds=1))
        client.post(VERIFY, {"code": "000002"})  # second failure: wait 2 s
        too_soon = client.post(VERIFY, {"code": totp_code(device)})
        traveller.shift(dt.timedelta(seconds=2))
        in_time = client.post(VERIFY, {"code": totp_code(device)})

    assert "Trop de codes erronés : attendez 2 secondes" in too_soon.content.decode()
    assert in_time.status_code == 302


def test_an_account_of_a_session_signatory_must_enrol(client: Client, body: Body) -> None:
    mandate = MandateFactory(body=body)
    SessionFactory(body=body, secretary=mandate)
    user = account("elu", body, mandate=mandate, username="laversin")

    space = _password_login(client, user, reverse("space:index"))

    assert space.status_code == 302
    assert space["Location"].startswith(ENROL)


# --- Optional for the others --------------------------------------------------------------


def test_optional_for_the_secretariat_until_enrolled(client: Client, body: Body) -> None:
    user = account("secretariat", body, username="lucie")

    with time_machine.travel(START, tick=False) as traveller:
        home = _password_login(client, user)
        my_account = client.get(reverse("accounts:index"))
        client.get(ENROL)
        device = _pending_device(user)
        client.post(ENROL, {"code": totp_code(device)})
        client.post(reverse("logout"))
        traveller.shift(dt.timedelta(seconds=30))
        next_login = _password_login(client, user)

    assert home.status_code == 200
    assert "Facultative pour votre compte" in my_account.content.decode()
    assert next_login.status_code == 302 and next_login["Location"].startswith(VERIFY)


def test_login_as_opens_a_verified_session_for_privileged_roles(client: Client) -> None:
    """The tests' `login_as` goes through django-otp's own login with a real device."""
    user = login_as(client, "superuser")

    admin = client.get(reverse("admin:index"))

    assert admin.status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_the_admin_login_asks_for_the_code_too(client: Client) -> None:
    user = account("superuser", username="direction")
    device = totp_device(user)

    with time_machine.travel(START, tick=False):
        logged = client.post(
            reverse("admin:login"),
            {"username": "direction", "password": DEFAULT_PASSWORD, "next": "/admin/"},
        )
        admin = client.get(logged["Location"])
        verified = client.post(admin["Location"], {"code": totp_code(device)})
        admin_after = client.get(verified["Location"])

    assert logged.status_code == 302
    assert admin.status_code == 302 and admin["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert verified["Location"] == "/admin/"
    assert admin_after.status_code == 200
