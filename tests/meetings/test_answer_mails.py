"""Both members are told of a pouvoir given, revoked or declined, through a real SMTP
server: a plain-text and an HTML part, why it was sent and a link to the session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from meetings.answers import answer_give, answer_revoke, proxy_decline
from meetings.models import AttendanceAnswer
from members.models import NotificationPreference
from tests.conftest import Inbox
from tests.factories import UserFactory
from tests.meetings.answers_setup import Assembly, make_assembly

pytestmark = pytest.mark.django_db

Answer = AttendanceAnswer.Answer


@pytest.fixture
def assembly() -> Assembly:
    return make_assembly()


def _subject(message: Any) -> str:
    """The subject as a mail reader shows it (a long one is folded on the wire)."""
    return " ".join(str(message["Subject"]).split())


def _mails(inbox: Inbox) -> dict[str, tuple[str, str, str]]:
    """By recipient: subject, plain text, HTML."""
    found = {}
    for message in inbox.messages:
        html = message.get_body(preferencelist=("html",))
        plain = message.get_body(preferencelist=("plain",))
        assert html is not None and plain is not None
        found[str(message["To"])] = (
            _subject(message),
            str(plain.get_content()).replace("\r\n", "\n"),
            str(html.get_content()),
        )
    return found


def test_a_pouvoir_given_then_revoked_tells_both_members(
    assembly: Assembly,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    session = assembly.session
    with django_capture_on_commit_callbacks(execute=True):
        given = answer_give(session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"])

    mails = _mails(smtp_inbox)
    assert set(mails) == {"martin@collines.example.org", "durand@collines.example.org"}
    subject, text, html = mails["durand@collines.example.org"]
    assert subject.startswith("Pouvoir reçu — ")
    assert "Mme Alice Martin vous a donné pouvoir de voter en son nom" in text
    assert "Alice Martin en sera avertie." in text
    assert "parce que Alice Martin vous a donné pouvoir pour cette séance" in text
    link = f"{settings.SITE_URL}/espace/seances/{session.pk}/"
    assert link in text and link in html
    assert "vous a donné pouvoir de voter en son nom" in html
    subject, text, _ = mails["martin@collines.example.org"]
    assert subject.startswith("Pouvoir enregistré — ")
    assert "Votre pouvoir à M. Bernard Durand pour la séance" in text

    smtp_inbox.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer_revoke(given)

    mails = _mails(smtp_inbox)
    assert {s.split(" — ")[0] for s, _, _ in mails.values()} == {"Pouvoir révoqué"}
    # Alice is a woman, Bernard a man: each sentence agrees with whom it speaks of.
    assert (
        "a révoqué le pouvoir qu'elle vous avait donné" in mails["durand@collines.example.org"][1]
    )
    assert "révoqué : il ne votera pas en votre nom" in mails["martin@collines.example.org"][1]


def test_changing_the_holder_revokes_then_gives(
    assembly: Assembly,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    session = assembly.session
    answer_give(session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"])
    with django_capture_on_commit_callbacks(execute=True):
        answer_give(session, assembly["Alice"], Answer.PROXY, holder=assembly["David"])

    received = [(str(m["To"]), _subject(m).split(" — ")[0]) for m in smtp_inbox.messages]
    assert received == [
        ("martin@collines.example.org", "Pouvoir révoqué"),
        ("durand@collines.example.org", "Pouvoir révoqué"),
        ("martin@collines.example.org", "Pouvoir enregistré"),
        ("leroy@collines.example.org", "Pouvoir reçu"),
    ]


def test_a_declined_pouvoir_tells_the_mandant_he_is_excused(
    assembly: Assembly,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        proxy_decline(given)

    mails = _mails(smtp_inbox)
    subject, text, html = mails["martin@collines.example.org"]
    assert subject.startswith("Pouvoir refusé — ")
    assert "M. Bernard Durand a refusé le pouvoir que vous lui aviez donné" in text
    assert "Vous êtes désormais inscrite absente excusée" in text
    assert "parce que Bernard Durand a refusé le pouvoir que vous lui aviez donné" in text
    assert "a refusé le pouvoir" in html
    assert (
        "Vous avez refusé le pouvoir de Mme Alice Martin" in mails["durand@collines.example.org"][1]
    )
    assert "Alice Martin en est avertie." in mails["durand@collines.example.org"][1]


def test_a_paper_form_says_so_and_preferences_are_honoured(
    assembly: Assembly,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    NotificationPreference.objects.create(
        person=assembly["Bernard"].person, kind="proxy", enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_give(
            assembly.session,
            assembly["Alice"],
            Answer.PROXY,
            holder=assembly["Bernard"],
            by_secretariat=True,
        )

    mails = _mails(smtp_inbox)
    assert list(mails) == ["martin@collines.example.org"]
    assert "d'après votre formulaire papier" in mails["martin@collines.example.org"][1]


def test_no_mail_leaves_when_the_answer_is_refused(
    assembly: Assembly,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        answer_give(assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Fabien"])

    assert smtp_inbox.messages == []


def test_a_pouvoir_withdrawn_by_the_secretariat_says_so(
    assembly: Assembly,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_revoke(given, user=UserFactory(username="secretariat"))

    text = _mails(smtp_inbox)["martin@collines.example.org"][1]
    assert "Enregistré par le secrétariat d'après votre formulaire papier." in text
    assert "parce que le secrétariat a enregistré la révocation de votre pouvoir" in text
