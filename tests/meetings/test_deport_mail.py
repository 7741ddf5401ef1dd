"""A déport declared, recorded or withdrawn: the member gets a confirmation by e-mail (kind
"deport"), over a real SMTP server, once the change is written — a refused one sends none."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from email.message import EmailMessage
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from meetings.deports import deport_declare, deport_withdraw
from meetings.models import AgendaItem, Deport
from members.models import Body, Mandate
from members.services import notification_preferences_set
from tests.conftest import Inbox
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    MandateFactory,
    PersonFactory,
    SessionFactory,
    login_as,
)

pytestmark = pytest.mark.django_db

AULA = "présidente de l'Agence d'urbanisme de l'Artois (AULA)"
SITE = settings.SITE_URL.rstrip("/")

Commits = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def body() -> Body:
    return BodyFactory(short_name="PMA", name="Pôle Métropolitain de l'Artois")


@pytest.fixture
def item(body: Body) -> AgendaItem:
    session = SessionFactory(body=body, date="2023-06-13")
    return AgendaItemFactory(session=session, position=4, title="Partenariat 2023 avec l'AULA")


@pytest.fixture
def laversin(body: Body) -> Mandate:
    person = PersonFactory(
        civility="Mme",
        first_name="Corinne",
        last_name="Laversin",
        email="corinne.laversin@example.fr",
    )
    return MandateFactory(body=body, person=person)


def _parts(received: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): str(part.get_content()).replace("\r\n", "\n")
        for part in received.walk()
        if not part.is_multipart()
    }


def _subject(received: EmailMessage) -> str:
    # Django 5.2 folds a long encoded subject right after « Subject: »; unfolded, the
    # value starts with that fold's space, which mail clients drop.
    return str(received["Subject"]).strip()


def _visible(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _link(item: AgendaItem) -> str:
    return SITE + reverse("space:session", args=[item.session_id]) + f"#point-{item.pk}"


def test_the_elu_declaring_from_his_space_gets_a_confirmation(
    client: Client,
    item: AgendaItem,
    laversin: Mandate,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    login_as(client, "elu", item.session.body, mandate=laversin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("space:deport_add", args=[item.session_id, item.pk]), {"reason": AULA})

    [received] = smtp_inbox.messages
    assert received["To"] == "corinne.laversin@example.fr"
    assert _subject(received) == "Déport enregistré — séance du 13/06/2023"
    parts = _parts(received)
    assert set(parts) == {"text/plain", "text/html"}
    text = parts["text/plain"]
    assert text.startswith("Madame Corinne Laversin,\n")
    assert (
        "Vous avez déclaré votre déport sur le point 4 « Partenariat 2023 avec l'AULA » de la "
        "séance du 13/06/2023 (Pôle Métropolitain de l'Artois) : vous ne prendrez part ni au "
        "débat ni au vote sur ce point (CGCT L2131-11)." in text
    )
    assert f"Motif : « {AULA} »" in text
    assert "parce que vous avez déclaré un déport depuis votre espace." in text
    assert f"Voir en ligne : {_link(item)}" in text
    assert SITE + reverse("space:notifications") in text
    visible = _visible(parts["text/html"])
    assert f"Motif : « {AULA} »" in visible
    assert "parce que vous avez déclaré un déport depuis votre espace." in visible
    assert f'href="{_link(item)}"' in parts["text/html"]


def test_the_elu_withdrawing_his_deport_gets_a_confirmation(
    client: Client,
    item: AgendaItem,
    laversin: Mandate,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    deport = deport_declare(item=item, mandate=laversin, reason=AULA)
    login_as(client, "elu", item.session.body, mandate=laversin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("space:deport_remove", args=[item.session_id, deport.pk]))

    [received] = smtp_inbox.messages
    assert _subject(received) == "Déport retiré — séance du 13/06/2023"
    text = _parts(received)["text/plain"]
    assert "Vous avez retiré votre déport sur le point 4" in text
    assert "vous pouvez prendre part au débat et au vote sur ce point." in text
    assert f"Motif du déport retiré : « {AULA} »" in text
    assert "parce que vous avez retiré un de vos déports depuis votre espace." in text


def test_the_member_learns_the_secretariat_recorded_then_withdrew_a_deport(
    client: Client,
    item: AgendaItem,
    laversin: Mandate,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    login_as(client, "secretariat", item.session.body)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("meetings:deport_add", args=[item.session_id]),
            {"item": item.pk, "mandate": laversin.pk, "reason": AULA},
        )
    deport = Deport.objects.get(item=item)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:deport_remove", args=[item.session_id, deport.pk]))

    recorded, withdrawn = (_parts(m)["text/plain"] for m in smtp_inbox.messages)
    assert [m["To"] for m in smtp_inbox.messages] == ["corinne.laversin@example.fr"] * 2
    assert "Le secrétariat a enregistré votre déport sur le point 4" in recorded
    assert f"Motif : « {AULA} »" in recorded
    assert "parce que le secrétariat a enregistré un déport à votre nom." in recorded
    assert "Le secrétariat a retiré votre déport sur le point 4" in withdrawn
    assert "parce que le secrétariat a retiré un déport enregistré à votre nom." in withdrawn
    assert f"Voir en ligne : {_link(item)}" in withdrawn


def test_a_refused_deport_sends_nothing(
    item: AgendaItem,
    laversin: Mandate,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    deport_declare(item=item, mandate=laversin, reason=AULA)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            deport_declare(item=item, mandate=laversin, reason=AULA)  # already declared
        with pytest.raises(ValidationError):
            deport_declare(item=item, mandate=laversin, reason="   ")

    assert callbacks == []
    assert smtp_inbox.messages == []


def test_a_withdrawal_refused_sends_nothing(
    item: AgendaItem,
    laversin: Mandate,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    deport = deport_declare(item=item, mandate=laversin, reason=AULA)
    deport_withdraw(deport=deport)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError) as refused,
    ):
        deport_withdraw(deport=deport)

    assert refused.value.messages == ["Ce déport a déjà été retiré."]
    assert callbacks == []
    assert smtp_inbox.messages == []


def test_no_email_leaves_before_the_transaction_commits(
    item: AgendaItem, laversin: Mandate, smtp_inbox: Inbox
) -> None:
    # The test's transaction never commits: the e-mail waits for a commit that never comes.
    deport_declare(item=item, mandate=laversin, reason=AULA)

    assert Deport.objects.filter(item=item).exists()
    assert smtp_inbox.messages == []


def test_a_member_who_turned_deport_emails_off_gets_none(
    item: AgendaItem,
    laversin: Mandate,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    notification_preferences_set(person=laversin.person, choices={"deport": False})

    with django_capture_on_commit_callbacks(execute=True):
        deport = deport_declare(item=item, mandate=laversin, reason=AULA, by_secretariat=True)
        deport_withdraw(deport=deport, by_secretariat=True)

    assert smtp_inbox.messages == []
    assert not Deport.objects.exists()


def test_a_member_without_an_address_is_still_deported(
    item: AgendaItem, smtp_inbox: Inbox, django_capture_on_commit_callbacks: Commits
) -> None:
    mandate = MandateFactory(body=item.session.body, person=PersonFactory(email=""))

    with django_capture_on_commit_callbacks(execute=True):
        deport_declare(item=item, mandate=mandate, reason=AULA)

    assert Deport.objects.filter(mandate=mandate).exists()
    assert smtp_inbox.messages == []


def test_a_hostile_reason_is_quoted_literally_and_escaped_in_html(
    item: AgendaItem,
    laversin: Mandate,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    hostile = "gérant de la SCI <script>alert(1)</script>"

    with django_capture_on_commit_callbacks(execute=True):
        deport_declare(item=item, mandate=laversin, reason=hostile)

    parts = _parts(smtp_inbox.messages[0])
    assert f"Motif : « {hostile} »" in parts["text/plain"]
    assert "<script>" not in parts["text/html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in parts["text/html"]
