"""The security journal (issue 11, point 8): each event is produced by the real action — a
login through the login form, a signature from the signing page, a transmission, a
publication, an access granted in the admin — with who, when and from where; it is read in
the app by administrators only, filtered and paginated, and nobody can rewrite it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import IntegrityError, connection, transaction
from django.dispatch import Signal
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberations.models import Deliberation, SignatureConsent
from meetings.models import Session
from members.models import BodyAccess, Mandate, Person, SecurityEvent
from members.security import lockout_record, record_event
from pma_governance.lib.history import event_model
from pma_governance.lib.roles import ADMINISTRATOR
from tests.factories import BodyFactory, Role, UserFactory, login_as, login_verified
from tests.pma_governance.publication.helpers import sign_fast
from tests.signatories import SIGNATORY_PASSPHRASE, with_certificate

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
PASSWORD = "un-mot-de-passe-solide"
JOURNAL = reverse("members:security_journal")


def _last(kind: str) -> SecurityEvent:
    return SecurityEvent.objects.filter(kind=kind).latest("at", "pk")


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def security_log() -> Iterator[list[str]]:
    """The lines written to the logger `pma_governance.security` during the test."""
    handler = _Lines()
    logger = logging.getLogger("pma_governance.security")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


# --- Logins -------------------------------------------------------------------------------


def test_a_login_through_the_form_is_recorded_and_logged(
    client: Client, security_log: list[str]
) -> None:
    user = UserFactory(username="secretaire", password=PASSWORD)

    client.post(
        reverse("login"), {"username": "secretaire", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7"
    )

    event = _last(Kind.LOGIN)
    assert (event.user_id, event.username, event.ip) == (user.pk, "secretaire", "192.0.2.7")
    assert abs(event.at - timezone.now()) < dt.timedelta(minutes=1)
    assert any(line.startswith("login user=secretaire ip=192.0.2.7") for line in security_log)


@pytest.mark.parametrize("form", ["login", "admin:login"])
def test_a_wrong_password_is_recorded_with_the_name_typed(client: Client, form: str) -> None:
    UserFactory(username="secretaire", password=PASSWORD)

    client.post(reverse(form), {"username": "secretaire", "password": "faux"})

    event = _last(Kind.LOGIN_FAILED)
    assert (event.user_id, event.username, event.ip) == (None, "secretaire", "127.0.0.1")
    assert event.detail == reverse(form)
    assert not SecurityEvent.objects.filter(kind=Kind.LOGIN).exists()


def test_a_logout_is_recorded(client: Client) -> None:
    user = login_as(client, "secretariat", username="secretaire")

    client.post(reverse("logout"))

    assert _last(Kind.LOGOUT).user_id == user.pk


def test_the_proxy_header_is_believed_only_behind_a_trusted_proxy(
    client: Client, settings: object
) -> None:
    UserFactory(username="secretaire", password=PASSWORD)
    forged = "203.0.113.66, 198.51.100.7"

    def attempt() -> None:
        client.post(
            reverse("login"),
            {"username": "secretaire", "password": "x"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forged,
        )

    attempt()
    settings.TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    attempt()

    ips = list(
        SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED).order_by("pk").values_list("ip")
    )
    # The address the proxy appended, never the one the client wrote first.
    assert ips == [("10.0.0.2",), ("198.51.100.7",)]


def test_a_lockout_receiver_connects_in_one_line() -> None:
    """django-axes sends `user_locked_out(request=…, username=…, ip_address=…)`."""
    user_locked_out = Signal()
    user_locked_out.connect(lockout_record)

    user_locked_out.send("axes", request=None, username="secretaire", ip_address="192.0.2.7")

    assert _last(Kind.LOCKOUT).username == "secretaire"


# --- Signatures, the prefecture, publication ---------------------------------------------


@pytest.fixture
def aula(seed_session: Session) -> Deliberation:
    return Deliberation.objects.get(number="2023/PMA00192")


def _signatory(session: Session, role: Role, mandate_id: str) -> tuple[User, Client]:
    client = Client()
    mandate = Mandate.objects.get(body=session.body, external_id=mandate_id)
    return login_as(client, role, session.body, mandate=mandate), client


def test_each_signature_and_the_seal_are_recorded(
    seed_session: Session, aula: Deliberation, signing_certificate: Path
) -> None:
    president_user, president = _signatory(seed_session, "administrator", "bavay")
    secretary_user, secretary = _signatory(seed_session, "elu", "lemaire")
    url = reverse("deliberations:signature", args=[aula.pk])

    for user in (president_user, secretary_user):
        with_certificate(Person.objects.get(user=user))
    signing = {"passphrase": SIGNATORY_PASSPHRASE}
    president.post(url, {"role": "president", **signing}, REMOTE_ADDR="192.0.2.10")
    secretary.post(url, {"role": "secretary", **signing}, REMOTE_ADDR="192.0.2.11")

    events = list(SecurityEvent.objects.filter(kind=Kind.SIGNATURE).order_by("pk"))
    assert [(e.user_id, e.ip) for e in events] == [
        (president_user.pk, "192.0.2.10"),
        (secretary_user.pk, "192.0.2.11"),
        (secretary_user.pk, "192.0.2.11"),
    ]
    assert events[0].detail.startswith(
        "Délibération n° 2023/PMA00192 : signature de Alain Bavay, président de séance (certificat "
    )
    aula.refresh_from_db()
    assert "PDF signé et scellé (SHA-256 " in events[2].detail
    assert aula.status == "signed"


def test_a_withdrawn_signature_is_recorded(
    seed_session: Session, aula: Deliberation, signing_certificate: Path
) -> None:
    user, president = _signatory(seed_session, "administrator", "bavay")
    with_certificate(Person.objects.get(user=user))
    president.post(
        reverse("deliberations:signature", args=[aula.pk]),
        {"role": "president", "passphrase": SIGNATORY_PASSPHRASE},
    )
    consent = SignatureConsent.objects.get(user=user)

    president.post(reverse("deliberations:signature_withdraw", args=[consent.pk]))

    withdrawn = _last(Kind.SIGNATURE)
    assert withdrawn.user_id == user.pk
    assert withdrawn.detail == (
        "Délibération n° 2023/PMA00192 : signature du président de séance retirée."
    )


def test_a_refused_signature_leaves_no_event(seed_session: Session, aula: Deliberation) -> None:
    _, robert = _signatory(seed_session, "elu", "robert")

    robert.post(reverse("deliberations:signature", args=[aula.pk]), {"role": "secretary"})

    assert not SecurityEvent.objects.filter(kind=Kind.SIGNATURE).exists()


def test_transmission_accuse_and_publication_are_recorded(
    seed_session: Session, aula: Deliberation
) -> None:
    sign_fast(aula)
    client = Client()
    dgs = login_as(client, "administrator", seed_session.body, username="dgs")

    def url(name: str) -> str:
        return reverse(f"deliberations:{name}", args=[aula.pk])

    client.post(url("prefecture_sent"), {"sent_on": "2023-06-15"}, REMOTE_ADDR="192.0.2.20")
    client.post(
        url("prefecture_ack"),
        {"received_on": "2023-06-19", "identifier": "062-200060358-20230613-2023_PMA00192-DE"},
    )
    client.post(url("publish"), {"published_on": timezone.localdate().isoformat()})

    sent, ack, published = (
        _last(Kind.TRANSMISSION),
        _last(Kind.PREFECTURE_ACK),
        _last(Kind.PUBLICATION),
    )
    assert (sent.username, sent.ip) == ("dgs", "192.0.2.20")
    assert sent.detail == "Délibération n° 2023/PMA00192 transmise en préfecture le 15/06/2023."
    assert ack.user_id == published.user_id == dgs.pk
    assert "062-200060358-20230613-2023_PMA00192-DE" in ack.detail
    assert published.detail.startswith("Délibération n° 2023/PMA00192 publiée le ")


# --- Rights given and taken, in the admin ------------------------------------------------


def test_a_body_access_granted_in_the_admin_is_recorded_with_its_author(client: Client) -> None:
    body = BodyFactory(short_name="PMA")
    superuser = login_as(client, "superuser", username="root")
    agent = UserFactory(username="agent")

    client.post(
        reverse("admin:members_bodyaccess_add"),
        {"user": agent.pk, "body": body.pk},
        REMOTE_ADDR="192.0.2.30",
    )
    access = BodyAccess.objects.get(user=agent, body=body)
    client.post(reverse("admin:members_bodyaccess_delete", args=[access.pk]), {"post": "yes"})

    granted, revoked = _last(Kind.ACCESS_GRANTED), _last(Kind.ACCESS_REVOKED)
    assert (granted.username, granted.ip) == ("root", "192.0.2.30")
    assert granted.detail == "Compte agent : accès à PMA."
    assert revoked.detail == "Compte agent : accès à PMA retiré."
    history: list[Any] = list(event_model(BodyAccess)._default_manager.filter(pgh_obj_id=access.pk))
    assert {e.pgh_label for e in history} == {"insert", "delete"}
    assert all(e.pgh_context.metadata["user"] == superuser.pk for e in history)


def test_a_person_linked_to_an_account_in_the_admin_is_recorded(client: Client) -> None:
    superuser = login_as(client, "superuser", username="root")
    president = Person.objects.create(civility="M.", first_name="Alain", last_name="Bavay")
    account = UserFactory(username="abavay")

    client.post(
        reverse("admin:members_person_change", args=[president.pk]),
        {
            "civility": "M.",
            "first_name": "Alain",
            "last_name": "Bavay",
            "user": account.pk,
            "mandates-TOTAL_FORMS": "0",
            "mandates-INITIAL_FORMS": "0",
        },
    )

    president.refresh_from_db()
    assert president.user == account
    linked = _last(Kind.PERSON_LINKED)
    assert linked.username == "root"
    assert linked.detail.startswith("Alain Bavay rattaché(e) au compte abavay")
    change: Any = event_model(Person)._default_manager.get(
        pgh_obj_id=president.pk, pgh_label="update"
    )
    assert change.user_id == account.pk
    assert change.pgh_context.metadata["user"] == superuser.pk


def test_groups_staff_and_permissions_changes_are_recorded(client: Client) -> None:
    login_as(client, "superuser", username="root")
    agent = UserFactory(username="agent")
    group = Group.objects.create(name=ADMINISTRATOR)
    joined = timezone.localtime(agent.date_joined)

    response = client.post(
        reverse("admin:auth_user_change", args=[agent.pk]),
        {
            "username": "agent",
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "date_joined_0": f"{joined:%d/%m/%Y}",
            "date_joined_1": f"{joined:%H:%M:%S}",
        },
    )
    group.permissions.add(Permission.objects.get(codename="sign_deliberation"))

    assert response.status_code == 302
    assert _last(Kind.GROUPS_CHANGED).detail == "utilisateur agent : ajout de Administrateur."
    assert _last(Kind.ACCOUNT_CHANGED).detail == (
        "Compte agent modifié : accès à l'administration : oui."
    )
    assert _last(Kind.ACCOUNT_CHANGED).username == "root"
    permissions = _last(Kind.PERMISSIONS_CHANGED)
    assert permissions.detail == "groupe Administrateur : ajout de deliberations.sign_deliberation."
    assert permissions.username == ""  # outside a request: no author, never a guess
    agent.groups.clear()
    assert _last(Kind.GROUPS_CHANGED).detail == "utilisateur agent : retrait de Administrateur."


# --- The page -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["secretariat", "administrator", "elu"])
def test_the_journal_is_refused_to_the_roles_of_the_bodies(client: Client, role: Role) -> None:
    body = BodyFactory()
    login_as(client, role, body)

    response = client.get(JOURNAL)

    assert response.status_code == 403
    assert "Journal de sécurité" not in client.get(reverse("space:index")).content.decode()


def test_the_journal_asks_a_visitor_to_log_in(client: Client) -> None:
    assert client.get(JOURNAL)["Location"].startswith(reverse("login"))


def test_a_superuser_or_a_holder_of_the_right_reads_the_journal(client: Client) -> None:
    record_event(kind=Kind.SIGNATURE, username="abavay", detail="Délibération n° 2023/PMA00192")
    reader = UserFactory(username="rssi")
    reader.user_permissions.add(Permission.objects.get(codename="read_securityevent"))
    login_verified(client, reader)

    page = client.get(JOURNAL).content.decode()
    home = client.get(reverse("space:index")).content.decode()

    assert "Délibération n° 2023/PMA00192" in page
    assert "Journal de sécurité" in home
    login_as(client, "superuser")
    assert client.get(JOURNAL).status_code == 200


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_the_journal_filters_by_kind_account_and_dates(client: Client) -> None:
    login_as(client, "superuser", username="root")
    SecurityEvent.objects.bulk_create(
        [
            SecurityEvent(
                kind=Kind.LOGIN_FAILED, username="secretaire", at=_at(dt.date(2024, 1, 5))
            ),
            SecurityEvent(kind=Kind.LOGIN_FAILED, username="dgs", at=_at(dt.date(2024, 2, 5))),
            SecurityEvent(kind=Kind.PUBLICATION, username="dgs", at=_at(dt.date(2024, 2, 6))),
        ]
    )

    def shown(**query: str) -> list[str]:
        page = client.get(JOURNAL, query).content.decode()
        return [
            f"{e.get_kind_display()}/{e.username}"
            for e in SecurityEvent.objects.exclude(username="root")
            if f"<td>{e.username}</td>" in page
            and f"{timezone.localtime(e.at):%d/%m/%Y %H:%M:%S}" in page
        ]

    assert shown(kind="login_failed", user="dgs") == ["Échec de connexion/dgs"]
    assert sorted(shown(start="2024-02-01", end="2024-02-28")) == [
        "Publication/dgs",
        "Échec de connexion/dgs",
    ]
    assert shown(user="SECRET") == ["Échec de connexion/secretaire"]
    wrong = client.get(JOURNAL, {"start": "2024-02-10", "end": "2024-02-01", "kind": "nope"})
    assert wrong.status_code == 200
    assert "La date de fin précède la date de début." in wrong.content.decode()
    assert "Choisissez un événement de la liste." in wrong.content.decode()


def test_the_journal_is_paginated_most_recent_first(client: Client) -> None:
    login_as(client, "superuser", username="root")
    first_day = _at(dt.date(2024, 1, 1))
    SecurityEvent.objects.bulk_create(
        SecurityEvent(kind=Kind.LOGOUT, username=f"compte{n:02}", at=first_day + dt.timedelta(n))
        for n in range(60)
    )

    first = client.get(JOURNAL, {"kind": "logout"}).content.decode()
    second = client.get(JOURNAL, {"kind": "logout", "page": "2"}).content.decode()

    assert "60 événements" in first and "Page 1 sur 2" in first
    assert first.index("compte59") < first.index("compte10")
    assert "compte09" not in first
    assert "compte09" in second and "compte00" in second and "compte10" not in second
    assert "Page 2 sur 2" in second
    assert 'href="?page=1&amp;kind=logout"' in second  # the filter is kept from page to page


# --- Nobody rewrites it -------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_an_event() -> None:
    event = record_event(kind=Kind.LOGIN, username="secretaire", detail="/connexion/")

    for statement in (
        lambda: SecurityEvent.objects.filter(pk=event.pk).update(detail="rien"),
        lambda: SecurityEvent.objects.filter(pk=event.pk).delete(),
        lambda: connection.cursor().execute(
            "UPDATE members_securityevent SET username = 'autre' WHERE id = %s", [event.pk]
        ),
    ):
        with (
            pytest.raises(IntegrityError, match="ne peut être ni modifié ni supprimé"),
            transaction.atomic(),
        ):
            statement()

    event.refresh_from_db()
    assert (event.username, event.detail) == ("secretaire", "/connexion/")
