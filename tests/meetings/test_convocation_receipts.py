"""The convocation with proof (CGCT L2121-10, L2121-12): a personal, expiring link per
member, sent through a real SMTP server; opened and acknowledged; late sendings flagged
with the members concerned; paper copies listed; the bordereau d'envoi as a PDF."""

from __future__ import annotations

import datetime as dt
import email.message
import hashlib
import html
import io
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from meetings.convening import convocation_send
from meetings.convening_models import ConvocationDispatch, ConvocationReceipt
from meetings.models import AgendaItem, Session
from members.models import Body, Mandate
from tests.conftest import Inbox
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    MandateFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
    convocation_link,
    login_as,
)

SESSION_DAY = dt.date(2023, 6, 13)  # a Tuesday
ON_TIME = dt.datetime(2023, 6, 6, 9, 0, tzinfo=dt.UTC)  # 6 clear days
LATE = dt.datetime(2023, 6, 9, 9, 0, tzinfo=dt.UTC)  # 3 clear days
LINK = re.compile(r"^(https?://\S+/convocations/[\w-]+/)$", re.MULTILINE)


@pytest.fixture
def body(db: None) -> Body:
    return BodyFactory(
        short_name="PMA",
        name="Pôle Métropolitain de l'Artois",
        convocation_delay_days=5,
        convene_substitutes=True,
    )


def _member(body: Body, first: str, last: str, email: str = "", **kwargs: Any) -> Mandate:
    person_fields = {k: kwargs.pop(k) for k in ("paper_convocation",) if k in kwargs}
    person = PersonFactory(
        civility=kwargs.pop("civility", "M."),
        first_name=first,
        last_name=last,
        email=email,
        **person_fields,
    )
    return MandateFactory(body=body, person=person, **kwargs)


@pytest.fixture
def members(body: Body) -> dict[str, Mandate]:
    return {
        "president": _member(body, "Alain", "Bavay", "a.bavay@example.fr", office="Président"),
        "titulaire": _member(body, "Sylvie", "Robert", "s.robert@example.fr", civility="Mme"),
        "suppleant": _member(
            body, "Corinne", "Laversin", "c.laversin@example.fr", civility="Mme", suppleant=True
        ),
        "paper": _member(body, "Jean", "Papier", "j.papier@example.fr", paper_convocation=True),
        "no_email": _member(body, "Nadine", "Lefebvre", civility="Mme"),
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
    DeliberationFactory(
        item=AgendaItemFactory(
            session=session,
            position=2,
            kind=AgendaItem.Kind.DELIBERATION,
            title="Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)",
            rapporteur=members["president"],
        ),
        considerants="<p>L'AULA accompagne le Pôle dans ses études de territoire.</p>",
        dispositif="AUTORISE le Président à signer la convention de partenariat 2023.",
    )
    # Another session of the same body: never shown through this session's links.
    other = SessionFactory(body=body, date=dt.date(2023, 9, 26), status=Session.Status.PLANNED)
    AgendaItemFactory(session=other, position=1, title="Budget supplémentaire secret")
    return session


def _send(session: Session, at: dt.datetime = ON_TIME, **kwargs: Any) -> Any:
    with time_machine.travel(at, tick=False):
        return convocation_send(session=session, **kwargs)


def _text(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def _html(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def _link_path(message: email.message.EmailMessage) -> str:
    found = LINK.search(_text(message))
    assert found is not None, _text(message)
    return found.group(1).removeprefix(settings.SITE_URL.rstrip("/"))


def _to(inbox: Inbox, address: str) -> email.message.EmailMessage:
    return next(m for m in inbox.messages if m["To"] == address)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


# --- Sending through SMTP ---------------------------------------------------------------


def test_each_member_gets_his_own_link_in_a_text_and_html_email(
    session: Session, smtp_inbox: Inbox
) -> None:
    result = _send(session)

    assert sorted(m["To"] for m in smtp_inbox.messages) == [
        "a.bavay@example.fr",
        "c.laversin@example.fr",
        "j.papier@example.fr",
        "s.robert@example.fr",
    ]
    assert result.sent == 4
    for message in smtp_inbox.messages:
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == [
            "text/plain",
            "text/html",
        ]
    robert = _to(smtp_inbox, "s.robert@example.fr")
    text = _text(robert)
    assert text.startswith("Madame Sylvie Robert,")
    assert "J'ai l'honneur de vous convoquer à la séance du Comité syndical" in text
    assert "2. Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)" in text
    assert "valable jusqu'au 20 juin 2023 inclus" in text
    assert (
        "Vous recevez ce message parce que vous êtes membre titulaire du Comité syndical "
        "du Pôle Métropolitain de l'Artois." in text
    )
    assert "Les convocations sont toujours envoyées" in text
    page = _html(robert)
    assert "<ol" in page and "valable jusqu'au 20 juin 2023 inclus" in html.unescape(page)
    assert f'href="{settings.SITE_URL.rstrip("/")}/convocations/' in page
    suppleant = _text(_to(smtp_inbox, "c.laversin@example.fr"))
    assert "vous êtes membre suppléante du Comité syndical" in suppleant
    assert "En votre qualité de suppléante" in suppleant
    # Every link is personal, and only its digest is stored.
    paths = {_link_path(m) for m in smtp_inbox.messages}
    assert len(paths) == 4
    tokens = {p.strip("/").split("/")[-1] for p in paths}
    stored = set(ConvocationReceipt.objects.values_list("token_hash", flat=True))
    assert {hashlib.sha256(t.encode()).hexdigest() for t in tokens} <= stored
    assert not tokens & stored


def test_the_sending_is_recorded_with_one_receipt_per_member(
    session: Session, members: dict[str, Mandate], smtp_inbox: Inbox
) -> None:
    secretary = UserFactory(first_name="Lucie", last_name="Martin")
    _send(session, sent_by=secretary)

    dispatch = ConvocationDispatch.objects.get(session=session)
    assert (dispatch.sent_by, dispatch.delay_days, dispatch.clear_days, dispatch.late) == (
        secretary,
        5,
        6,
        False,
    )
    receipts = {r.mandate_id: r for r in dispatch.receipts.all()}
    assert set(receipts) == {m.pk for m in members.values()}
    assert receipts[members["titulaire"].pk].channel == "email"
    assert receipts[members["titulaire"].pk].sent_at == ON_TIME
    assert receipts[members["titulaire"].pk].expires_at == dt.datetime(
        2023, 6, 20, 21, 59, 59, tzinfo=dt.UTC
    )  # 23:59:59 in Paris, a week after the session
    assert receipts[members["paper"].pk].channel == "paper"  # and e-mailed a copy
    assert receipts[members["paper"].pk].sent_at == ON_TIME
    assert receipts[members["no_email"].pk].channel == "paper"
    assert receipts[members["no_email"].pk].sent_at is None
    assert receipts[members["no_email"].pk].token_hash == ""
    assert dispatch.register_pdf[:5] == b"%PDF-"


def test_suppleants_are_convened_only_when_the_statutes_say_so(
    body: Body, session: Session, members: dict[str, Mandate]
) -> None:
    Body.objects.filter(pk=body.pk).update(convene_substitutes=False)
    session.refresh_from_db()

    _send(session)

    assert "c.laversin@example.fr" not in {m.to[0] for m in mail.outbox}
    assert not ConvocationReceipt.objects.filter(mandate=members["suppleant"]).exists()
    assert ConvocationReceipt.objects.filter(mandate=members["titulaire"]).exists()


# --- The personal link ------------------------------------------------------------------


def test_the_link_opens_the_session_and_records_opening_and_receipt(
    session: Session, members: dict[str, Mandate], smtp_inbox: Inbox
) -> None:
    _send(session)
    path = _link_path(_to(smtp_inbox, "s.robert@example.fr"))
    visitor = Client(enforce_csrf_checks=True)
    receipt = ConvocationReceipt.objects.get(mandate=members["titulaire"])

    opened = dt.datetime(2023, 6, 7, 8, 15, tzinfo=dt.UTC)
    with time_machine.travel(opened, tick=False):
        page = visitor.get(path)
    with time_machine.travel(opened + dt.timedelta(hours=2), tick=False):
        visitor.get(path)  # a second visit changes nothing

    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "Convocation adressée à Mme Sylvie Robert, membre titulaire" in text
    assert "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)" in text
    assert "AUTORISE le Président à signer la convention de partenariat 2023." in text
    assert "L'AULA accompagne le Pôle" in text
    assert "Budget supplémentaire secret" not in text  # another session: never shown
    assert "J'ai bien reçu la convocation" in text
    receipt.refresh_from_db()
    assert receipt.opened_at == opened
    assert receipt.acknowledged_at is None

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert csrf is not None
    acknowledged = dt.datetime(2023, 6, 7, 8, 20, tzinfo=dt.UTC)
    with time_machine.travel(acknowledged, tick=False):
        done = visitor.post(path + "accuse-de-reception/", {"csrfmiddlewaretoken": csrf[1]})
    with time_machine.travel(acknowledged + dt.timedelta(days=1), tick=False):
        again = visitor.post(path + "accuse-de-reception/", {"csrfmiddlewaretoken": csrf[1]})

    assert done.status_code == again.status_code == 302
    receipt.refresh_from_db()
    assert receipt.acknowledged_at == acknowledged  # the first time only
    with time_machine.travel(acknowledged + dt.timedelta(days=1), tick=False):
        after = html.unescape(visitor.get(path).content.decode())
    assert "Réception confirmée" in after
    assert "J'ai bien reçu la convocation</button>" not in after


def test_acknowledging_needs_the_csrf_token(session: Session, smtp_inbox: Inbox) -> None:
    _send(session)
    path = _link_path(_to(smtp_inbox, "s.robert@example.fr"))

    refused = Client(enforce_csrf_checks=True).post(path + "accuse-de-reception/")

    assert refused.status_code == 403
    assert not ConvocationReceipt.objects.filter(acknowledged_at__isnull=False).exists()


def test_an_expired_link_says_so_and_offers_the_login(session: Session, smtp_inbox: Inbox) -> None:
    _send(session)
    path = _link_path(_to(smtp_inbox, "s.robert@example.fr"))

    with time_machine.travel(dt.datetime(2023, 6, 21, 8, 0, tzinfo=dt.UTC), tick=False):
        page = Client().get(path)
        posted = Client().post(path + "accuse-de-reception/")

    text = html.unescape(page.content.decode())
    assert page.status_code == 410
    assert "Lien de convocation expiré" in text
    assert "valable jusqu'au 20 juin 2023" in text
    assert reverse("login") in text
    assert "Partenariat 2023" not in text
    assert posted.status_code == 302
    assert not ConvocationReceipt.objects.filter(opened_at__isnull=False).exists()
    assert not ConvocationReceipt.objects.filter(acknowledged_at__isnull=False).exists()


@pytest.mark.parametrize("token", ["inconnu", "x" * 43, "y" * 500])
def test_an_unknown_link_is_a_french_404(db: None, client: Client, token: str) -> None:
    response = client.get(f"/convocations/{token}/")

    assert response.status_code == 404
    assert "Ce lien de convocation est inconnu" in html.unescape(response.content.decode())


def test_the_same_person_logged_in_is_offered_his_space(
    client: Client, session: Session, members: dict[str, Mandate], smtp_inbox: Inbox
) -> None:
    _send(session)
    path = _link_path(_to(smtp_inbox, "s.robert@example.fr"))
    login_as(client, "elu", session.body, mandate=members["titulaire"])

    with time_machine.travel(ON_TIME + dt.timedelta(days=1), tick=False):
        page = client.get(path).content.decode()

    assert reverse("space:session", args=[session.pk]) in page
    assert "Ouvrir la séance dans mon espace" in html.unescape(page)


def test_the_space_page_shows_the_receipt_and_acknowledges(
    client: Client, session: Session, members: dict[str, Mandate]
) -> None:
    _send(session)
    login_as(client, "elu", session.body, mandate=members["titulaire"])
    url = reverse("space:session", args=[session.pk])

    before = html.unescape(client.get(url).content.decode())
    with time_machine.travel(dt.datetime(2023, 6, 8, 7, 0, tzinfo=dt.UTC), tick=False):
        done = client.post(reverse("space:convocation_acknowledge", args=[session.pk]))
    after = html.unescape(client.get(url).content.decode())

    assert "Ma convocation" in before
    assert "Envoyée par courriel le 6 juin 2023 à 11h00" in before
    assert "J'ai bien reçu la convocation" in before
    assert done.status_code == 302
    receipt = ConvocationReceipt.objects.get(mandate=members["titulaire"])
    assert receipt.acknowledged_at == dt.datetime(2023, 6, 8, 7, 0, tzinfo=dt.UTC)
    assert receipt.opened_at == receipt.acknowledged_at
    assert "Réception confirmée" in after


# --- Late sendings, new members, paper --------------------------------------------------


def test_a_late_sending_is_flagged_with_the_members_concerned(
    body: Body, session: Session, client: Client
) -> None:
    login_as(client, "secretariat", body)
    url = reverse("meetings:convocation", args=[session.pk])

    with time_machine.travel(LATE, tick=False):
        page = client.post(url, {"destinataires": "tous"}, follow=True)

    text = html.unescape(page.content.decode())
    dispatch = ConvocationDispatch.objects.get(session=session)
    assert dispatch.late is True and dispatch.clear_days == 3
    assert "Convocation hors délai : 3 jours francs laissés au lieu de 5, pour :" in text
    for name in ("Alain Bavay", "Sylvie Robert", "Corinne Laversin", "Nadine Lefebvre"):
        assert name in text.split("Convocation hors délai")[1].split(".")[0]
    assert "À envoyer par courrier postal : Nadine Lefebvre, Jean Papier." in text
    assert "hors délai" in text.split("Envois et accusés de réception")[1]


def test_a_member_added_later_is_convened_alone_and_only_he_is_late(
    body: Body, session: Session, members: dict[str, Mandate], client: Client
) -> None:
    _send(session)
    newcomer = _member(body, "Paul", "Nouveau", "p.nouveau@example.fr")
    login_as(client, "secretariat", body)
    url = reverse("meetings:convocation", args=[session.pk])
    with time_machine.travel(LATE, tick=False):
        offer = html.unescape(client.get(url).content.decode())
        page = client.post(url, {"destinataires": "nouveaux"}, follow=True)

    text = html.unescape(page.content.decode())
    assert "Envoyer seulement aux 1 membre pas encore convoqué (Paul Nouveau)" in offer
    assert [m.to for m in mail.outbox[-1:]] == [["p.nouveau@example.fr"]]
    assert len(mail.outbox) == 5
    assert "aux membres pas encore convoqués par courriel à 1 membre" in text
    assert "pour : Paul Nouveau." in text
    late = ConvocationDispatch.objects.get(session=session, late=True)
    assert [r.mandate for r in late.receipts.all()] == [newcomer]
    session.refresh_from_db()
    assert session.convened_on == dt.date(2023, 6, 6)  # the first sending stands
    table = text.split('data-testid="receipts"')[1].split("</table>")[0]
    rows = {r.split("</td>")[0].rsplit(">", 1)[-1]: r for r in table.split("<tr")[2:]}
    assert "hors délai" in rows["M. Paul Nouveau"]
    assert "hors délai" not in rows["Mme Sylvie Robert"]

    with pytest.raises(ValidationError, match="ont déjà reçu la convocation"):
        _send(session, LATE, only_new=True)


def test_resending_only_to_new_members_needs_a_first_sending(session: Session) -> None:
    with pytest.raises(ValidationError, match="pas encore été envoyée"):
        _send(session, only_new=True)
    assert not ConvocationDispatch.objects.exists()


def test_the_paper_list_is_shown_on_the_convocation_page(
    secretariat: Client, session: Session
) -> None:
    _send(session)

    text = html.unescape(
        secretariat.get(reverse("meetings:convocation", args=[session.pk])).content.decode()
    )

    paper = text.split('data-testid="paper-list"')[1].split("</ul>")[0]
    assert "Nadine Lefebvre" in paper and "Jean Papier" in paper
    assert "Sylvie Robert" not in paper
    assert "Convocations par courrier postal (2)" in text


# --- The bordereau d'envoi --------------------------------------------------------------


def test_the_bordereau_proves_the_delay_member_by_member(
    body: Body, session: Session, members: dict[str, Mandate], client: Client
) -> None:
    _send(session)
    newcomer = _member(body, "Paul", "Nouveau", "p.nouveau@example.fr")
    _send(session, LATE, only_new=True)
    first, second = ConvocationDispatch.objects.filter(session=session).order_by("sent_at")

    stored = pdf_text(bytes(first.register_pdf))

    assert "BORDEREAU D'ENVOI DE LA CONVOCATION" in stored
    assert "PÔLE MÉTROPOLITAIN DE L'ARTOIS" in stored
    assert "5 jours francs" in stored
    assert "Envoi du 06/06/2023 11:00" in stored
    assert "6 jours francs laissés avant la séance — délai respecté" in stored
    assert "Membres convoqués : 5 — par courriel : 4 — par courrier : 2" in stored
    assert "Mme Sylvie Robert Titulaire Courriel s.robert@example.fr 06/06/2023 11:00 6 oui" in (
        stored
    )
    assert "Mme Nadine Lefebvre Titulaire Courrier postal courrier postal à poster 6 oui" in stored
    assert "Convocations à envoyer par courrier (2)" in stored
    assert "sans adresse électronique" in stored
    assert "Paul Nouveau" not in stored
    late = pdf_text(bytes(second.register_pdf))
    assert "envoi hors délai" in late
    assert "M. Paul Nouveau Titulaire Courriel p.nouveau@example.fr 09/06/2023 11:00 3 non" in late
    assert newcomer.person.full_name in late

    # The current version states the receipts so far; the secretariat downloads both.
    receipt = ConvocationReceipt.objects.get(mandate=members["titulaire"])
    ConvocationReceipt.objects.filter(pk=receipt.pk).update(
        opened_at=dt.datetime(2023, 6, 7, 6, 0, tzinfo=dt.UTC),
        acknowledged_at=dt.datetime(2023, 6, 7, 6, 5, tzinfo=dt.UTC),
    )
    login_as(client, "secretariat", body)
    url = reverse("meetings:bordereau", args=[session.pk, first.pk])
    current = client.get(url)
    kept = client.get(url + "?etat=envoi")

    assert current["Content-Type"] == "application/pdf"
    now = pdf_text(current.content)
    assert "s.robert@example.fr 06/06/2023 11:00 6 oui 07/06/2023 08:00 07/06/2023 08:05" in now
    assert "réception confirmée : 1" in now
    assert kept.content == bytes(first.register_pdf)
    page = html.unescape(
        client.get(reverse("meetings:convocation", args=[session.pk])).content.decode()
    )
    assert url in page and url + "?etat=envoi" in page


def test_an_elu_cannot_download_the_bordereau(
    client: Client, session: Session, members: dict[str, Mandate]
) -> None:
    _send(session)
    dispatch = ConvocationDispatch.objects.get()
    login_as(client, "elu", session.body, mandate=members["titulaire"])

    response = client.get(reverse("meetings:bordereau", args=[session.pk, dispatch.pk]))

    assert response.status_code == 403


# --- Constant queries -------------------------------------------------------------------


def _body_of(size: int) -> Session:
    body = BodyFactory()
    for n in range(size):
        _member(body, f"Prénom{n}", f"Nom{n:03d}", f"elu{n}@example.fr", suppleant=n % 5 == 4)
    session = SessionFactory(body=body, date=SESSION_DAY, status=Session.Status.PLANNED)
    for position in range(1, 6):
        DeliberationFactory(
            item=AgendaItemFactory(
                session=session, position=position, kind=AgendaItem.Kind.DELIBERATION
            )
        )
    return session


def test_sending_to_70_members_takes_as_many_queries_as_to_7(db: None) -> None:
    counts = []
    for size in (7, 70):
        session = _body_of(size)
        with CaptureQueriesContext(connection) as queries:
            result = _send(session)
        assert result.sent == size
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 25


def test_a_head_request_answers_as_get_without_recording_an_opening(
    session: Session, members: dict[str, Mandate]
) -> None:
    _, path = convocation_link(session, members["titulaire"])

    head = Client().head(path)
    opened_by_head = ConvocationReceipt.objects.get().opened_at
    get = Client().get(path)

    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert opened_by_head is None  # a link checker's HEAD is no opening
    assert ConvocationReceipt.objects.get().opened_at is not None


def test_the_convocation_page_takes_as_many_queries_for_70_members_as_for_7(
    db: None, client: Client
) -> None:
    counts = []
    for size in (7, 70):
        session = _body_of(size)
        _send(session)
        login_as(client, "secretariat", session.body)
        url = reverse("meetings:convocation", args=[session.pk])
        with (
            time_machine.travel(ON_TIME, tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
