"""The session page's « Présences attendues » and the reminder to members who have not
answered (deliberations/views/agenda.py, meetings/expected.py, meetings/reminders.py)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from meetings.models import AttendanceAnswer, ConvocationDispatch, ConvocationReceipt, Session
from members.models import Body, BodyAccess, Mandate, NotificationPreference
from tests.conftest import CountQueries, Inbox
from tests.factories import BodyFactory, MandateFactory, PersonFactory, SessionFactory, login_as

pytestmark = pytest.mark.django_db

Answer = AttendanceAnswer.Answer

MEMBERS = [
    # first name, last name, civility, role
    ("Alain", "Bavay", "M.", Mandate.Role.TITULAIRE),
    ("Corinne", "Laversin", "Mme", Mandate.Role.TITULAIRE),
    ("Sylvain", "Robert", "M.", Mandate.Role.TITULAIRE),
    ("Steve", "Bossart", "M.", Mandate.Role.TITULAIRE),
    ("Nadia", "Duporge", "Mme", Mandate.Role.TITULAIRE),
    ("Jean", "Leveugle", "M.", Mandate.Role.SUPPLEANT),
]


@pytest.fixture
def body() -> Body:
    return BodyFactory(short_name="PMA", name="Pôle Métropolitain de l'Artois")


@pytest.fixture
def members(body: Body) -> dict[str, Mandate]:
    return {
        first: MandateFactory(
            body=body,
            role=role,
            person=PersonFactory(
                first_name=first,
                last_name=last,
                civility=civility,
                email=f"{first[0].lower()}.{last.lower()}@example.fr",
            ),
        )
        for first, last, civility, role in MEMBERS
    }


@pytest.fixture
def session(body: Body, members: dict[str, Mandate]) -> Session:
    today = timezone.localdate()
    return SessionFactory(
        body=body,
        date=today + dt.timedelta(days=10),
        convened_on=today,
        status=Session.Status.CONVENED,
        place="au siège du PMA, à Lens",
    )


def answer(session: Session, mandate: Mandate, kind: str, **fields: Any) -> AttendanceAnswer:
    return AttendanceAnswer.objects.create(
        session=session, mandate=mandate, answer=kind, answered_at=timezone.now(), **fields
    )


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _figure(page: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">(\d+)<', page)
    assert match, f"{testid} absent"
    return int(match.group(1))


def _page(client: Client, session: Session) -> str:
    return _text(client.get(reverse("meetings:session_detail", args=[session.pk])))


# --- The panel --------------------------------------------------------------------------


def test_the_panel_counts_the_answers_and_names_who_has_not_answered(
    secretariat: Client, session: Session, members: dict[str, Mandate]
) -> None:
    Body.objects.filter(pk=session.body_id).update(quorum_counts_proxies=False)
    answer(session, members["Alain"], Answer.PRESENT)
    answer(session, members["Corinne"], Answer.PROXY, holder=members["Alain"], by_secretariat=True)
    answer(session, members["Sylvain"], Answer.SUBSTITUTE, substitute=members["Jean"])

    page = _page(secretariat, session)

    assert "Présences attendues" in page
    assert _figure(page, "expected-present") == 2  # Alain, and Jean sitting for Sylvain
    assert _figure(page, "expected-represented") == 1
    assert _figure(page, "expected-excused") == 0
    assert _figure(page, "expected-unknown") == 2
    assert _figure(page, "expected-in-office") == 5
    assert _figure(page, "expected-threshold") == 3
    assert "Quorum pas encore assuré" in page
    assert "il manque 1 membre si les membres sans réponse ne viennent pas" in page
    assert "N'ont pas répondu : Steve Bossart, Nadia Duporge." in page
    assert "Absent, donne pouvoir à Alain Bavay" in page
    assert "formulaire papier" in page
    assert "Suppléant qui siège : Jean Leveugle" in page
    assert "Seuls les présents comptent pour le quorum" in page
    assert "Relancer par courriel les 2 titulaires sans réponse" in page


def test_the_reminder_button_names_one_titulaire_in_the_singular(
    secretariat: Client, session: Session, members: dict[str, Mandate]
) -> None:
    for name in ("Alain", "Corinne", "Sylvain", "Steve"):
        answer(session, members[name], Answer.PRESENT)

    page = _page(secretariat, session)

    assert "N'ont pas répondu" not in page  # the quorum is certain: no warning
    assert "Relancer par courriel le titulaire sans réponse" in page
    assert "les 1 titulaire" not in page


def test_the_expected_table_and_the_answers_card_are_told_apart(
    secretariat: Client, session: Session, members: dict[str, Mandate]
) -> None:
    answer(session, members["Alain"], Answer.PRESENT)

    page = _page(secretariat, session)

    # Both are on the page: one test id each (the browser tests find either by its own).
    assert page.count('data-testid="expected-answers"') == 1
    assert page.count('data-testid="answers"') == 1


def test_the_panel_says_when_the_quorum_cannot_be_met(
    secretariat: Client, session: Session, members: dict[str, Mandate]
) -> None:
    for name in ("Alain", "Corinne", "Sylvain"):
        answer(session, members[name], Answer.EXCUSED)

    page = _page(secretariat, session)

    assert "Le quorum ne sera pas atteint" in page
    assert "N'ont pas répondu : Steve Bossart, Nadia Duporge." in page


def test_the_panel_says_when_the_quorum_is_certain(
    secretariat: Client, session: Session, members: dict[str, Mandate]
) -> None:
    for name in ("Alain", "Corinne", "Sylvain"):
        answer(session, members[name], Answer.PRESENT)

    page = _page(secretariat, session)

    assert "Quorum assuré d'après les réponses" in page
    assert "N'ont pas répondu" not in page


def test_an_elu_does_not_see_the_panel(
    client: Client, session: Session, members: dict[str, Mandate]
) -> None:
    login_as(client, "elu", session.body, mandate=members["Steve"])

    page = _page(client, session)

    assert "Séance du" in page or "séance" in page
    assert "Présences attendues" not in page


def _members_of(size: int) -> Session:
    body = BodyFactory()
    session = SessionFactory(body=body, date=timezone.localdate() + dt.timedelta(days=5))
    for index in range(size):
        role = Mandate.Role.SUPPLEANT if index % 5 == 4 else Mandate.Role.TITULAIRE
        mandate = MandateFactory(body=body, role=role, person=PersonFactory(last_name=f"M{index}"))
        if index % 3 == 0:
            answer(session, mandate, Answer.PRESENT, by_secretariat=bool(index % 2))
    return session


def test_the_page_reads_as_many_queries_for_70_members_as_for_10(
    client: Client, count_queries: CountQueries, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    small, large = _members_of(10), _members_of(70)
    user = login_as(client, "secretariat", small.body)
    BodyAccess.objects.create(user=user, body=large.body)
    client.get(reverse("meetings:session_detail", args=[small.pk]))  # warm the caches
    with count_queries() as few:
        client.get(reverse("meetings:session_detail", args=[small.pk]))

    with django_assert_num_queries(len(few)):
        response = client.get(reverse("meetings:session_detail", args=[large.pk]))
    assert _figure(_text(response), "expected-in-office") == 56


# --- The reminder -----------------------------------------------------------------------


def _remind(client: Client, session: Session) -> Any:
    return client.post(reverse("meetings:answers_remind", args=[session.pk]), follow=True)


def _html_part(message: Any) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def test_the_reminder_emails_each_titulaire_without_answer_over_smtp(
    secretariat: Client, session: Session, members: dict[str, Mandate], smtp_inbox: Inbox
) -> None:
    answer(session, members["Alain"], Answer.PRESENT)
    answer(session, members["Corinne"], Answer.EXCUSED)
    answer(session, members["Sylvain"], Answer.PRESENT)
    dispatch = ConvocationDispatch.objects.create(
        session=session, sent_at=timezone.now(), delay_days=5, clear_days=9
    )
    receipt = ConvocationReceipt.objects.create(
        dispatch=dispatch, session=session, mandate=members["Steve"], email="s.bossart@example.fr"
    )

    response = _remind(secretariat, session)

    assert sorted(m["To"] for m in smtp_inbox.messages) == [
        "n.duporge@example.fr",
        "s.bossart@example.fr",
    ]
    message = next(m for m in smtp_inbox.messages if m["To"] == "s.bossart@example.fr")
    assert "serez-vous présent ?" in message["Subject"]
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None
    text = str(plain.get_content()).replace("\r\n", "\n")
    assert text.startswith("Monsieur,\n")
    assert "Vous n'avez pas encore indiqué si vous serez présent à la séance" in text
    link = reverse("space:session", args=[session.pk])
    assert link in text
    assert (
        "Vous recevez ce message parce que vous n'avez pas encore indiqué si vous serez "
        "présent à la séance" in text
    )
    assert "Ne plus recevoir ce type de courriel" in text
    assert "Le secrétariat du Pôle Métropolitain de l'Artois" in text
    # Nadia Duporge is a woman: every word that speaks of her agrees.
    hers = next(m for m in smtp_inbox.messages if m["To"] == "n.duporge@example.fr")
    assert "serez-vous présente ?" in hers["Subject"]
    her_part = hers.get_body(preferencelist=("plain",))
    assert her_part is not None
    her_text = " ".join(str(her_part.get_content()).split())
    assert "si vous serez présente à la séance" in her_text
    assert "si vous serez présente, excusée, si vous donnez pouvoir" in her_text
    assert "parce que vous n'avez pas encore indiqué si vous serez présente" in her_text
    html_part = _html_part(message)
    assert "<p" in html_part and link in html_part
    receipt.refresh_from_db()
    assert receipt.reminded_at is not None
    page = _text(response)
    assert "2 rappels envoyés par courriel : Steve Bossart et Nadia Duporge." in page
    assert "relancé le" in page  # Steve's receipt records it


def test_a_member_who_turned_reminders_off_receives_nothing(
    secretariat: Client, session: Session, members: dict[str, Mandate], smtp_inbox: Inbox
) -> None:
    for name in ("Alain", "Corinne", "Sylvain"):
        answer(session, members[name], Answer.PRESENT)
    NotificationPreference.objects.create(
        person=members["Steve"].person, kind="reminder", enabled=False
    )

    page = _text(_remind(secretariat, session))

    assert [m["To"] for m in smtp_inbox.messages] == ["n.duporge@example.fr"]
    assert "1 rappel envoyé par courriel : Nadia Duporge." in page
    assert "Ne reçoivent pas les rappels par courriel (à leur demande) : Steve Bossart." in page


def test_a_member_without_address_is_named_for_a_call(
    secretariat: Client, session: Session, members: dict[str, Mandate], smtp_inbox: Inbox
) -> None:
    for name in ("Alain", "Corinne", "Sylvain", "Steve"):
        answer(session, members[name], Answer.PRESENT)
    members["Nadia"].person.email = ""
    members["Nadia"].person.save()

    page = _text(_remind(secretariat, session))

    assert smtp_inbox.messages == []
    assert "Sans adresse électronique, à joindre autrement : Nadia Duporge." in page


def test_nobody_to_remind_when_everyone_answered(
    secretariat: Client, session: Session, members: dict[str, Mandate], smtp_inbox: Inbox
) -> None:
    for mandate in members.values():
        if mandate.role == Mandate.Role.TITULAIRE:
            answer(session, mandate, Answer.PRESENT)

    page = _text(_remind(secretariat, session))

    assert smtp_inbox.messages == []
    assert "Tous les titulaires ont répondu : aucun rappel à envoyer." in page


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": Session.Status.HELD}, "s'est tenue"),
        ({"date": dt.date(2020, 1, 6), "convened_on": dt.date(2020, 1, 1)}, "est passée"),
        ({"status": Session.Status.PLANNED, "convened_on": None}, "pas encore envoyée"),
    ],
)
def test_no_reminder_once_the_session_is_no_longer_open(
    secretariat: Client,
    session: Session,
    smtp_inbox: Inbox,
    change: dict[str, Any],
    reason: str,
) -> None:
    Session.objects.filter(pk=session.pk).update(**change)

    page = _text(_remind(secretariat, session))

    assert smtp_inbox.messages == []
    assert "Aucun rappel envoyé : " in page
    assert reason in page
    assert not ConvocationReceipt.objects.filter(reminded_at__isnull=False).exists()
    assert "Relancer par courriel" not in _page(secretariat, session)


def test_an_elu_cannot_remind(
    client: Client, session: Session, members: dict[str, Mandate], smtp_inbox: Inbox
) -> None:
    login_as(client, "elu", session.body, mandate=members["Alain"])

    response = client.post(reverse("meetings:answers_remind", args=[session.pk]))

    assert response.status_code == 403
    assert smtp_inbox.messages == []


def test_another_bodys_secretariat_cannot_remind(
    client: Client, session: Session, smtp_inbox: Inbox
) -> None:
    login_as(client, "secretariat", BodyFactory(short_name="AUTRE"))

    response = client.post(reverse("meetings:answers_remind", args=[session.pk]))

    assert response.status_code == 404
    assert smtp_inbox.messages == []


def test_the_reminder_is_a_post(secretariat: Client, session: Session, smtp_inbox: Inbox) -> None:
    response = secretariat.get(reverse("meetings:answers_remind", args=[session.pk]))

    assert response.status_code == 405
    assert smtp_inbox.messages == []


def test_no_panel_before_the_convocation_when_nobody_could_answer(
    secretariat: Client, session: Session
) -> None:
    Session.objects.filter(pk=session.pk).update(status=Session.Status.PLANNED, convened_on=None)

    assert "Présences attendues" not in _page(secretariat, session)
