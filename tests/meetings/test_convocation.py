"""The convocation: delay in clear days, the e-mail sent to every member, its record."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from meetings.convening import convocation_send
from meetings.convening_models import ConvocationDispatch
from meetings.convocation import (
    clear_days_between,
    convocation_deadline,
    convocation_delay_ok,
    french_date,
    french_when,
)
from meetings.models import AgendaItem, Session
from members.models import Body, Mandate
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    MandateFactory,
    PersonFactory,
    SessionFactory,
    login_as,
)

SESSION_DAY = dt.date(2023, 6, 13)  # a Tuesday, as the seed's


# --- Pure rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (dt.date(2023, 6, 7), 5),  # 8, 9, 10, 11 and 12 June
        (dt.date(2023, 6, 8), 4),
        (dt.date(2023, 6, 1), 11),
        (dt.date(2023, 6, 12), 0),  # the day before: no clear day
        (dt.date(2023, 6, 13), 0),  # the same day
        (dt.date(2023, 6, 14), 0),  # after the session: never negative
        (dt.date(2023, 5, 31), 12),  # across a month
    ],
)
def test_clear_days_count_neither_the_sending_day_nor_the_session_day(
    sent: dt.date, expected: int
) -> None:
    assert clear_days_between(sent, SESSION_DAY) == expected


def test_five_clear_days_are_enough_four_are_not() -> None:
    assert convocation_delay_ok(dt.date(2023, 6, 7), SESSION_DAY, 5) is True
    assert convocation_delay_ok(dt.date(2023, 6, 8), SESSION_DAY, 5) is False
    assert convocation_delay_ok(dt.date(2023, 6, 1), SESSION_DAY, 5) is True


def test_the_delay_is_the_bodys() -> None:
    assert convocation_delay_ok(dt.date(2023, 6, 9), SESSION_DAY, 3) is True
    assert convocation_delay_ok(dt.date(2023, 6, 10), SESSION_DAY, 3) is False
    assert convocation_delay_ok(dt.date(2023, 6, 12), SESSION_DAY, 0) is True


def test_deadline_is_the_last_day_that_keeps_the_delay() -> None:
    deadline = convocation_deadline(SESSION_DAY, 5)

    assert deadline == dt.date(2023, 6, 7)
    assert convocation_delay_ok(deadline, SESSION_DAY, 5)
    assert not convocation_delay_ok(deadline + dt.timedelta(days=1), SESSION_DAY, 5)


def test_dates_and_times_in_french() -> None:
    assert french_when(SESSION_DAY, dt.time(14, 30)) == "mardi 13 juin 2023 à 14 h 30"
    assert french_when(dt.date(2023, 6, 1), dt.time(9, 0)) == "jeudi 1er juin 2023 à 9 h"
    assert french_date(SESSION_DAY, weekday=False) == "13 juin 2023"
    assert french_when(SESSION_DAY, None) == "mardi 13 juin 2023"


# --- Sending ----------------------------------------------------------------------------


@pytest.fixture
def body(db: None) -> Body:
    return BodyFactory(
        short_name="PMA",
        name="Pôle Métropolitain de l'Artois",
        convocation_delay_days=5,
    )


def _mandate(body: Body, email: str, **kwargs: Any) -> Mandate:
    return MandateFactory(body=body, person=PersonFactory(email=email), **kwargs)


@pytest.fixture
def members(body: Body) -> dict[str, Mandate]:
    return {
        "president": MandateFactory(
            body=body,
            office="Président",
            person=PersonFactory(
                civility="M.", first_name="Alain", last_name="Bavay", email="a.bavay@example.fr"
            ),
        ),
        "titulaire": _mandate(body, "s.robert@example.fr"),
        "suppleant": _mandate(body, "c.laversin@example.fr", role=Mandate.Role.SUPPLEANT),
        "no_email": MandateFactory(
            body=body,
            person=PersonFactory(civility="Mme", first_name="Nadine", last_name="Lefebvre"),
        ),
        "ended": _mandate(body, "ancien@example.fr", end_date=dt.date(2023, 1, 31)),
        "future": _mandate(body, "futur@example.fr", start_date=dt.date(2023, 7, 1)),
    }


@pytest.fixture
def session(body: Body, members: dict[str, Mandate]) -> Session:
    session = SessionFactory(
        body=body,
        date=SESSION_DAY,
        start_time=dt.time(14, 30),
        place="au siège du PMA, 32 rue Casimir Beugnet à Lens",
        status=Session.Status.PLANNED,
    )
    AgendaItemFactory(
        session=session,
        position=1,
        kind=AgendaItem.Kind.PV_ADOPTION,
        title="Adoption du procès-verbal de la séance du 4 avril 2023",
    )
    AgendaItemFactory(
        session=session,
        position=2,
        kind=AgendaItem.Kind.DELIBERATION,
        title="Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)",
        rapporteur=members["president"],
    )
    # Another body's member is never convened.
    _mandate(BodyFactory(), "autre@example.fr")
    return session


def test_one_email_per_member_in_office_with_an_address(
    session: Session, members: dict[str, Mandate]
) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        result = convocation_send(session=session)

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["a.bavay@example.fr", "c.laversin@example.fr", "s.robert@example.fr"]
    assert result.sent == 3
    assert [r.mandate for r in result.missing] == [members["no_email"]]
    assert result.warning == ""
    assert result.resent is False


def test_the_email_carries_the_ordre_du_jour_in_text_and_html(
    session: Session, members: dict[str, Mandate]
) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        convocation_send(session=session)

    message = next(m for m in mail.outbox if m.to == ["s.robert@example.fr"])
    assert "Convocation" in message.subject
    assert "mardi 13 juin 2023 à 14 h 30" in message.subject
    assert "mardi 13 juin 2023 à 14 h 30" in message.body
    assert "au siège du PMA, 32 rue Casimir Beugnet à Lens" in message.body
    assert "1. Adoption du procès-verbal de la séance du 4 avril 2023" in message.body
    assert "2. Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)" in message.body
    assert "rapporteur : M. Alain Bavay" in message.body
    assert "du Pôle Métropolitain de l'Artois" in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert "<ol" in html and "Agence d&#x27;urbanisme" in html
    assert "suppléant" not in message.body.split("Je vous prie")[0].split("ORDRE DU JOUR")[1]


def test_a_suppleant_is_told_he_sits_for_an_absent_titulaire(session: Session) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        convocation_send(session=session)

    message = next(m for m in mail.outbox if m.to == ["c.laversin@example.fr"])
    assert "En votre qualité de suppléant" in message.body


def test_sending_records_the_convocation(session: Session) -> None:
    moment = dt.datetime(2023, 6, 6, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        convocation_send(session=session)

    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    assert session.convened_on == dt.date(2023, 6, 6)
    assert session.convocation_sent_at == moment


def test_resending_is_allowed_and_recorded(session: Session) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        convocation_send(session=session)
    later = dt.datetime(2023, 6, 9, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        result = convocation_send(session=session)

    session.refresh_from_db()
    assert len(mail.outbox) == 6
    assert result.resent is True
    assert result.previous_sent_at == dt.datetime(2023, 6, 5, 9, 0, tzinfo=dt.UTC)
    assert session.convocation_sent_at == later
    assert session.convened_on == dt.date(2023, 6, 9)
    assert "3 jours francs" in result.warning


def test_an_empty_ordre_du_jour_is_not_sent(body: Body, members: dict[str, Mandate]) -> None:
    session = SessionFactory(body=body, date=SESSION_DAY, status=Session.Status.PLANNED)

    with (
        time_machine.travel(dt.datetime(2023, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError, match="ordre du jour est vide"),
    ):
        convocation_send(session=session)

    session.refresh_from_db()
    assert mail.outbox == []
    assert session.convocation_sent_at is None


def test_a_session_already_held_is_not_convened(session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(status=Session.Status.HELD)

    with pytest.raises(ValidationError, match="s'est déjà tenue"):
        convocation_send(session=session)
    assert mail.outbox == []


# --- The page ---------------------------------------------------------------------------


def test_the_warning_shows_at_four_clear_days(secretariat: Client, session: Session) -> None:
    url = reverse("meetings:convocation", args=[session.pk])
    with time_machine.travel(dt.datetime(2023, 6, 8, 8, 0, tzinfo=dt.UTC), tick=False):
        response = secretariat.get(url)

    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Délai de convocation non respecté" in text
    assert "ne laisse que 4 jours francs" in text
    assert "en prévoit 5" in text


def test_no_warning_at_five_clear_days(secretariat: Client, session: Session) -> None:
    url = reverse("meetings:convocation", args=[session.pk])
    with time_machine.travel(dt.datetime(2023, 6, 7, 8, 0, tzinfo=dt.UTC), tick=False):
        response = secretariat.get(url)

    text = html.unescape(response.content.decode())
    assert "Délai de convocation non respecté" not in text
    assert "Délai respecté" in text
    assert "5 jours francs" in text


def test_the_preview_shows_the_email_and_who_has_no_address(
    secretariat: Client, session: Session
) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        response = secretariat.get(reverse("meetings:convocation", args=[session.pk]))

    text = html.unescape(response.content.decode())
    assert "mardi 13 juin 2023 à 14 h 30" in text
    assert "Nadine Lefebvre" in text  # without an e-mail address
    assert "sans adresse électronique" in text
    assert "suppléants sont convoqués eux aussi" in text
    assert "Envoyer la convocation à 3 membres" in text


def test_posting_sends_and_warns_when_late(secretariat: Client, session: Session) -> None:
    url = reverse("meetings:convocation", args=[session.pk])
    with time_machine.travel(dt.datetime(2023, 6, 9, 8, 0, tzinfo=dt.UTC), tick=False):
        response = secretariat.post(url, follow=True)

    text = html.unescape(response.content.decode())
    assert len(mail.outbox) == 3
    assert "Convocation envoyée par courriel à 3 membres" in text
    assert "ne laisse que 3 jours francs" in text
    assert "Nadine Lefebvre" in text
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


def test_an_elected_member_reads_but_cannot_send(client: Client, session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CONVENED)
    login_as(client, "elu", session.body)
    url = reverse("meetings:convocation", args=[session.pk])

    assert client.get(url).status_code == 200
    assert "Envoyer la convocation" not in html.unescape(client.get(url).content.decode())
    assert client.post(url).status_code == 403
    assert mail.outbox == []


def test_a_script_in_an_item_title_is_shown_as_text_on_the_convocation_page(
    secretariat: Client, session: Session
) -> None:
    AgendaItemFactory(
        session=session,
        position=3,
        kind=AgendaItem.Kind.INFORMATION,
        title="<script>alert('signer')</script> Actualités",
    )

    page = secretariat.get(reverse("meetings:convocation", args=[session.pk])).content.decode()

    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page


def test_the_plain_text_email_keeps_the_title_as_typed(session: Session) -> None:
    AgendaItemFactory(
        session=session, position=3, kind=AgendaItem.Kind.INFORMATION, title="Budget < 2024 & co"
    )

    with time_machine.travel(dt.datetime(2023, 6, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        convocation_send(session=session)

    assert "3. Budget < 2024 & co" in mail.outbox[0].body


def test_two_secretaries_clicking_send_at_once_send_one_convocation(
    secretariat: Client, session: Session
) -> None:
    url = reverse("meetings:convocation", args=[session.pk])
    with time_machine.travel(dt.datetime(2023, 6, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        page = secretariat.get(url).content.decode()
        assert 'name="envoi_precedent" value=""' in page
        secretariat.post(url, {"destinataires": "tous", "envoi_precedent": ""})
        # The second click was made on the same page, before the first sending.
        response = secretariat.post(
            url, {"destinataires": "tous", "envoi_precedent": ""}, follow=True
        )

        text = html.unescape(response.content.decode())
        assert "La convocation vient d'être envoyée" in text
        assert len(mail.outbox) == 3
        assert ConvocationDispatch.objects.filter(session=session).count() == 1
        latest = ConvocationDispatch.objects.get(session=session)
        assert f'name="envoi_precedent" value="{latest.pk}"' in text
        # Resending from a page showing the latest sending is still allowed; junk is refused.
        secretariat.post(url, {"destinataires": "tous", "envoi_precedent": "x" * 5000})
        assert ConvocationDispatch.objects.filter(session=session).count() == 1
        secretariat.post(url, {"destinataires": "tous", "envoi_precedent": str(latest.pk)})
    assert ConvocationDispatch.objects.filter(session=session).count() == 2


def test_the_email_states_the_pouvoir_rule_of_the_bodys_statutes_and_the_online_way(
    body: Body, session: Session
) -> None:
    Body.objects.filter(pk=body.pk).update(max_proxies_per_holder=2)
    session.refresh_from_db()
    with time_machine.travel(dt.datetime(2023, 6, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        convocation_send(session=session)

    message = next(m for m in mail.outbox if m.to == ["s.robert@example.fr"])
    text = " ".join(message.body.split())
    assert "un membre ne peut détenir que deux pouvoirs au plus, CGCT L2121-20" in text
    assert "qu'un seul pouvoir" not in text
    assert "depuis votre espace, avant l'ouverture de la séance" in text
    html, _ = message.alternatives[0]  # type: ignore[attr-defined]
    assert "deux pouvoirs au plus" in html


def test_the_html_email_writes_the_first_of_the_month_1er(session: Session) -> None:
    # The link expires a week after the session: the 24th of June gives the 1st of July.
    Session.objects.filter(pk=session.pk).update(date=dt.date(2023, 6, 24))
    session.refresh_from_db()
    with time_machine.travel(dt.datetime(2023, 6, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        convocation_send(session=session)

    message = next(m for m in mail.outbox if m.to == ["s.robert@example.fr"])
    html, _ = message.alternatives[0]  # type: ignore[attr-defined]
    assert "valable jusqu'au 1er juillet 2023 inclus" in html
    assert "valable jusqu'au 1er juillet 2023 inclus" in message.body
