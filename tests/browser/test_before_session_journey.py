"""Issue 12 end to end, three browsers open at once: the secretariat sends the convocation
(received by a real SMTP server); an élu acknowledges it from his personal link, logs in
and gives a pouvoir, signing his procuration; a second élu declares a déport; the
secretariat sees the expected quorum change and the receipt, then, on the day, opens the
roll call pre-filled from the answers, confirms it and records the votes with the déport
pre-checked; the signed PV states the pouvoir and the déport with its reason."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from deliberations.models import Vote
from meetings.answers import answer_give
from meetings.convening_models import ConvocationReceipt
from meetings.models import AgendaItem, AttendanceAnswer, ProcesVerbal, Session
from members.models import Mandate
from pma_governance.documents.consents import pv_sign
from tests.browser.conftest import PASSWORD, after_swap, login, make_user, screenshot
from tests.conftest import Inbox
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    MandateFactory,
    PersonFactory,
    SessionFactory,
    totp_code,
    totp_device,
)
from tests.signatories import signatories_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Answer = AttendanceAnswer.Answer
AUDIT = "président de l'Agence d'urbanisme de l'Artois"
MEMBERS = [
    # first name, last name, civility
    ("Alice", "Martin", "Mme"),
    ("Bernard", "Durand", "M."),
    ("Claire", "Petit", "Mme"),
    ("David", "Leroy", "M."),
    ("Émilie", "Moreau", "Mme"),
]


def _session() -> tuple[Session, dict[str, Mandate]]:
    """Five titulaires (quorum 3), a session ten days ahead with two projets and an
    information; David presides, Claire is the secretary of the session."""
    body = BodyFactory(name="Syndicat mixte des Collines", short_name="SMC", seat_city="Lens")
    members = {
        first: MandateFactory(
            body=body,
            person=PersonFactory(
                first_name=first,
                last_name=last,
                civility=civility,
                email=f"{last.lower()}@collines.example.org",
            ),
            external_id=last.lower(),
        )
        for first, last, civility in MEMBERS
    }
    session = SessionFactory(
        body=body,
        date=timezone.localdate() + dt.timedelta(days=10),
        start_time=dt.time(18, 0),
        end_time=dt.time(20, 0),
        status=Session.Status.PLANNED,
        president=members["David"],
        secretary=members["Claire"],
    )
    for position, title in enumerate(
        ("Subvention 2024 à l'office de tourisme", "Partenariat avec l'Agence d'urbanisme"),
        start=1,
    ):
        DeliberationFactory(
            item=AgendaItemFactory(
                session=session, position=position, kind=AgendaItem.Kind.DELIBERATION, title=title
            )
        )
    AgendaItemFactory(session=session, position=3, kind=AgendaItem.Kind.INFORMATION, title="Agenda")
    return session, members


def _personal_path(inbox: Inbox, address: str) -> str:
    """The personal link of the convocation sent to `address`, as a path of this site."""
    message = next(m for m in inbox.messages if m["To"] == address)
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None
    text = str(plain.get_content()).replace("\r\n", "\n")
    found = re.search(r"^(https?://\S+/convocations/\S+/)$", text, re.MULTILINE)
    assert found is not None, text
    return found.group(1).removeprefix(settings.SITE_URL.rstrip("/"))


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def _sign_pv(session: Session) -> None:
    """Both signatories sign the PV with their own certificates, as `pv_sign` does for the
    demo; pyHanko runs its own event loop, so not in Playwright's thread."""
    hands = signatories_of(session)._asdict()
    failure: list[BaseException] = []

    def sign() -> None:
        try:
            pv_sign(pv=ProcesVerbal.objects.get(session=session), **hands)
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=sign)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _expected(page: Page, present: int, represented: int, unknown: int, verdict: str) -> None:
    panel = page.get_by_test_id("expected")
    expect(panel.get_by_test_id("expected-present")).to_have_text(str(present))
    expect(panel.get_by_test_id("expected-represented")).to_have_text(str(represented))
    expect(panel.get_by_test_id("expected-unknown")).to_have_text(str(unknown))
    expect(panel.get_by_test_id("expected-verdict")).to_contain_text(verdict)


def test_before_the_session_three_browsers_then_the_signed_pv(
    live_server: object,
    new_page: Callable[[], Page],
    smtp_inbox: Inbox,
    signing_certificate: Path,
) -> None:
    session, members = _session()
    alice_user = make_user(session.body, "alice", "elu", mandate=members["Alice"])
    device = totp_device(
        alice_user
    )  # she logs in with her code: she may sign without a certificate
    make_user(session.body, "bernard", "elu", mandate=members["Bernard"])
    make_user(session.body, "secretariat")
    base = live_server.url  # type: ignore[attr-defined]
    deport_item, other_item = (
        AgendaItem.objects.get(session=session, position=2),
        AgendaItem.objects.get(session=session, position=1),
    )

    # 1. The secretariat sends the convocation.
    secretary = new_page()
    login(secretary, base, "secretariat")
    secretary.goto(f"{base}/seances/{session.pk}/convocation/")
    secretary.get_by_role("button", name="Envoyer la convocation à 5 membres").click()
    expect(secretary.get_by_text("Convocation envoyée par courriel à 5 membres")).to_be_visible()
    assert sorted(m["To"] for m in smtp_inbox.messages) == sorted(
        f"{last.lower()}@collines.example.org" for _first, last, _civility in MEMBERS
    )
    for message in smtp_inbox.messages:
        assert message.get_body(preferencelist=("plain",)) is not None
        html = message.get_body(preferencelist=("html",))
        assert html is not None and "Partenariat avec l" in str(html.get_content())
    # Meanwhile Claire (who will hold Alice's pouvoir) and David answer they will come.
    for name in ("Claire", "David"):
        answer_give(session, members[name], Answer.PRESENT)
    secretary.goto(f"{base}/seances/{session.pk}/")
    _expected(secretary, present=2, represented=0, unknown=3, verdict="il manque 1 membre")

    # 2. Alice opens her personal link, acknowledges, logs in and gives a pouvoir to Claire.
    alice = new_page()
    alice.goto(base + _personal_path(smtp_inbox, "martin@collines.example.org"))
    expect(alice.get_by_role("heading", level=1)).to_contain_text("Convocation")
    alice.get_by_role("button", name="J'ai bien reçu la convocation").click()
    expect(alice.get_by_text("la réception de votre convocation est enregistrée")).to_be_visible()
    expect(alice.get_by_test_id("convocation-receipt")).to_contain_text("Réception confirmée")
    alice.get_by_role("link", name="connectez-vous à votre espace").click()
    alice.locator("#id_username").fill("alice")
    alice.locator("#id_password").fill(PASSWORD)
    alice.get_by_role("button", name="Se connecter").click()
    alice.get_by_label("Code à 6 chiffres").fill(totp_code(device))
    alice.get_by_role("button", name="Valider").click()
    alice.wait_for_url(f"**/espace/seances/{session.pk}/")  # the link's `next`, kept
    panel = alice.get_by_test_id("answer-panel")
    panel.get_by_label("Je serai absente et je donne pouvoir à un membre").check()
    panel.get_by_label("Je donne pouvoir à", exact=True).select_option(
        value=str(members["Claire"].pk)
    )
    panel.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(
        alice.get_by_text("Votre réponse est enregistrée : pouvoir à Claire Petit.")
    ).to_be_visible()
    expect(alice.get_by_test_id("my-answer")).to_contain_text(
        "Absente, pouvoir donné à Mme Claire Petit"
    )
    alice.get_by_role("button", name="Signer ma procuration").click()
    expect(alice.get_by_text("Votre procuration est signée.")).to_be_visible()
    expect(alice.get_by_test_id("my-procuration")).to_contain_text("Signée le")
    screenshot(alice, "journey-alice-pouvoir")
    assert any(
        m["To"] == "petit@collines.example.org" and "Pouvoir reçu" in m["Subject"]
        for m in smtp_inbox.messages
    )

    # 3. Bernard (third browser) will come, and declares a déport on item 2.
    bernard = new_page()
    login(bernard, base, "bernard")
    bernard.goto(f"{base}/espace/seances/{session.pk}/")
    bernard.get_by_test_id("answer-panel").get_by_label("Je serai présent").check()
    bernard.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(bernard.get_by_text("Votre réponse est enregistrée")).to_be_visible()
    row = bernard.locator(f"#point-{deport_item.pk}")
    row.get_by_text("Je me déporte sur ce point").click()
    row.get_by_label("Motif").fill(AUDIT)
    row.get_by_role("button", name="Déclarer mon déport").click()
    expect(bernard.get_by_text("Déport enregistré")).to_be_visible()
    expect(bernard.get_by_test_id("my-deport")).to_contain_text(AUDIT)

    # 4. The secretariat sees the quorum change, the déport, and Alice's receipt.
    secretary.reload()
    _expected(secretary, present=3, represented=1, unknown=1, verdict="Quorum assuré")
    answers = secretary.get_by_test_id("expected-answers")
    expect(answers.locator("tr", has_text="Alice Martin")).to_contain_text(
        "Absent, donne pouvoir à Claire Petit"
    )
    expect(answers.locator("tr", has_text="Émilie Moreau")).to_contain_text("Pas de réponse")
    expect(secretary.get_by_test_id("answers")).to_contain_text(
        "Mme Alice Martin : absent, donne pouvoir à Claire Petit"
    )
    expect(secretary.get_by_test_id("answers")).to_contain_text("procuration signée (PDF)")
    expect(secretary.get_by_test_id("deport")).to_contain_text("Bernard Durand")
    expect(secretary.get_by_test_id("deport")).to_contain_text("déclaré par l'élu")
    screenshot(secretary, "journey-expected")
    secretary.goto(f"{base}/seances/{session.pk}/convocation/")
    acknowledged = ConvocationReceipt.objects.get(mandate=members["Alice"]).acknowledged_at
    assert acknowledged is not None
    receipts = secretary.get_by_test_id("receipts")
    expect(receipts.locator("tr", has_text="Alice Martin").locator("td").last).to_have_text(
        f"{timezone.localtime(acknowledged):%d/%m/%Y %Hh%M}"
    )
    expect(receipts.locator("tr", has_text="Bernard Durand").locator("td").last).to_have_text("—")

    # The day comes: the session is today and has opened (the clock, not a service, moves it).
    opening = timezone.localtime().replace(second=0, microsecond=0).time()
    Session.objects.filter(pk=session.pk).update(
        date=timezone.localdate(), start_time=opening, end_time=None
    )
    alice.reload()
    expect(alice.get_by_test_id("answer-panel")).to_contain_text(
        "est ouverte : les réponses à la convocation sont closes"
    )
    expect(alice.get_by_role("button", name="Enregistrer ma réponse")).to_have_count(0)

    # The roll call opens pre-filled from the answers, is confirmed, and the votes recorded.
    secretary.goto(f"{base}/seances/{session.pk}/seance/")
    after_swap(
        secretary,
        lambda: secretary.get_by_role(
            "button", name="Pré-remplir l'appel à partir des réponses"
        ).click(),
    )
    expect(secretary.get_by_test_id("declared-badge")).to_have_count(4)
    expect(secretary.locator(f"#m{members['Alice'].pk}")).to_contain_text("pouvoir à Claire Petit")
    expect(secretary.locator(f"#m{members['Émilie'].pk}")).to_contain_text("Absent")
    after_swap(secretary, lambda: secretary.get_by_role("button", name="Tout confirmer").click())
    expect(secretary.get_by_test_id("declared-badge")).to_have_count(0)

    form = secretary.get_by_test_id(f"vote-form-{other_item.position}")
    after_swap(secretary, lambda: form.get_by_role("button", name="Adopté à l'unanimité").click())
    form = secretary.get_by_test_id(f"vote-form-{deport_item.position}")
    bernard_pk = members["Bernard"].pk
    expect(
        form.locator(f'input[name="item{deport_item.pk}-not_voting"][value="{bernard_pk}"]')
    ).to_be_checked()
    expect(form.locator(f'input[name="item{deport_item.pk}-not_voting_reason"]')).to_have_value(
        AUDIT
    )
    after_swap(secretary, lambda: form.get_by_role("button", name="Adopté à l'unanimité").click())
    expect(secretary.get_by_test_id("not-voting").first).to_contain_text("Bernard Durand")
    screenshot(secretary, "journey-votes")
    vote = Vote.objects.get(item=deport_item)
    assert (vote.present, vote.represented) == (3, 1)
    assert list(vote.not_voting.all()) == [members["Bernard"]]

    # 5. The draft PV, then the signed one, state the pouvoir and the déport with its reason.
    proxy = "Alice Martin ayant donné procuration à Claire Petit"
    deport = f"Monsieur Bernard Durand, {AUDIT} ne prenant pas part au vote."
    secretary.goto(f"{base}/seances/{session.pk}/pv/")
    preview = secretary.frame_locator("#pv-preview").locator("body")
    expect(preview).to_contain_text(proxy)
    expect(preview).to_contain_text(deport)
    _sign_pv(session)
    secretary.reload()
    expect(secretary.get_by_test_id("signed")).to_contain_text("Signé le")
    link = secretary.get_by_role("link", name="Télécharger le procès-verbal signé")
    response = secretary.context.request.get(base + (link.get_attribute("href") or ""))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.body())
    assert proxy in text
    assert deport in text
