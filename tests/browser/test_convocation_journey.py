"""The secretariat sends the convocation; an élu opens his personal link from the e-mail
(received by a real SMTP server) without logging in and acknowledges it; the secretariat
sees the receipt and downloads the bordereau d'envoi."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings.convening_models import ConvocationReceipt
from meetings.models import AgendaItem, Session
from tests.browser.conftest import login, make_user, screenshot
from tests.conftest import Inbox
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    MandateFactory,
    PersonFactory,
    SessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session() -> Session:
    body = BodyFactory(short_name="PMA", name="Pôle Métropolitain de l'Artois")
    for first, last in (("Alain", "Bavay"), ("Sylvie", "Robert")):
        MandateFactory(
            body=body,
            person=PersonFactory(
                first_name=first, last_name=last, email=f"{last.lower()}@example.fr"
            ),
        )
    MandateFactory(body=body, person=PersonFactory(first_name="Nadine", last_name="Lefebvre"))
    session = SessionFactory(
        body=body,
        date=timezone.localdate() + dt.timedelta(days=10),
        start_time=dt.time(14, 30),
        status=Session.Status.PLANNED,
    )
    DeliberationFactory(
        item=AgendaItemFactory(
            session=session,
            position=1,
            kind=AgendaItem.Kind.DELIBERATION,
            title="Partenariat avec l'Agence d'urbanisme de l'Artois",
        ),
        dispositif="AUTORISE le Président à signer la convention.",
    )
    return session


def test_a_convocation_is_sent_opened_and_acknowledged(
    live_server: Any, new_page: Callable[[], Page], session: Session, smtp_inbox: Inbox
) -> None:
    make_user(session.body, "secretariat")
    base = live_server.url
    secretary = new_page()
    login(secretary, base, "secretariat")
    secretary.goto(f"{base}/seances/{session.pk}/convocation/")
    secretary.get_by_role("button", name="Envoyer la convocation à 2 membres").click()
    expect(secretary.get_by_text("Convocation envoyée par courriel à 2 membres")).to_be_visible()
    expect(
        secretary.get_by_text("À envoyer par courrier postal : Nadine Lefebvre.")
    ).to_be_visible()

    message = next(m for m in smtp_inbox.messages if m["To"] == "robert@example.fr")
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text = str(part.get_content()).replace("\r\n", "\n")
    found = re.search(r"^(https?://\S+/convocations/\S+/)$", text, re.MULTILINE)
    assert found is not None
    path = found.group(1).removeprefix(settings.SITE_URL.rstrip("/"))

    elu = new_page()  # another browser context: not logged in
    elu.goto(base + path)
    expect(elu.get_by_role("heading", level=1)).to_contain_text("Convocation")
    elu.get_by_text("Projet de délibération").click()
    expect(elu.get_by_text("AUTORISE le Président à signer la convention.")).to_be_visible()
    elu.get_by_role("button", name="J'ai bien reçu la convocation").click()
    expect(elu.get_by_text("la réception de votre convocation est enregistrée")).to_be_visible()
    expect(elu.get_by_test_id("convocation-receipt")).to_contain_text("Réception confirmée")
    screenshot(elu, "convocation-link")
    receipt = ConvocationReceipt.objects.get(mandate__person__last_name="Robert")
    assert receipt.opened_at is not None and receipt.acknowledged_at is not None

    secretary.reload()
    row = secretary.get_by_test_id("receipts").locator("tr", has_text="Sylvie Robert")
    expect(row).to_contain_text(f"{timezone.localtime(receipt.acknowledged_at):%d/%m/%Y}")
    screenshot(secretary, "convocation-receipts")
    with secretary.expect_download() as download_info:
        secretary.get_by_role("link", name="État actuel (PDF)").click(modifiers=["Alt"])
    assert download_info.value.suggested_filename.startswith("bordereau-convocation-")
