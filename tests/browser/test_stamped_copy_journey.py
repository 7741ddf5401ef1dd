"""The administrator records the accusé de réception and publishes a signed act in the
browser: the stamped copy (copie exécutoire) appears beside the signed original, on the
act's page and on its public page, each labelled."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from deliberations.models import Deliberation
from pma_governance.documents.consents import deliberation_sign
from pma_governance.prefecture.services import prefecture_record_sent
from tests.browser.conftest import login, make_user, screenshot
from tests.conftest import SEED_PATH, import_file
from tests.pdf_stamps import stamp_text
from tests.signatories import signatories_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "2023/PMA00192"
IDENTIFIER = "062-200060358-20230613-2023_PMA00192-DE"
ORIGINAL = "Original signé électroniquement (fait foi)"


def _sign_in_a_thread(act: Deliberation) -> None:
    """Sign for real (pyHanko runs its own event loop: not in Playwright's thread)."""
    assert act.item is not None
    hands = signatories_of(act.item.session)._asdict()
    failure: list[BaseException] = []

    def sign() -> None:
        try:
            deliberation_sign(deliberation=act, **hands)
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=sign)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.fixture
def sent(signing_certificate: Path) -> Deliberation:
    """2023/PMA00192 signed for real and sent to the prefecture today, no accusé yet."""
    import_file(SEED_PATH)
    Deliberation.objects.filter(number=NUMBER).update(
        prefecture_received_on=None, prefecture_identifier=""
    )
    act = Deliberation.objects.get(number=NUMBER)
    _sign_in_a_thread(act)
    return prefecture_record_sent(deliberation=act, sent_on=timezone.localdate())


def test_the_administrator_gets_the_stamped_copy_beside_the_original(
    live_server: object,
    new_page: Callable[[], Page],
    sent: Deliberation,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    today = timezone.localdate()
    make_user(sent.body, "dgs", "administrator")
    page = new_page()
    login(page, base, "dgs")
    page.goto(f"{base}/deliberations/{sent.pk}/")
    documents = page.locator("#documents-signes")
    expect(documents.get_by_role("link", name=ORIGINAL)).to_be_visible()
    expect(documents).not_to_contain_text("Copie exécutoire tamponnée")

    # The accusé de réception, then the publication: the act is executory.
    page.locator("#pref_received_on").fill(today.isoformat())
    page.locator("#pref_identifier").fill(IDENTIFIER)
    page.get_by_role("button", name="Enregistrer l'accusé de réception").click()
    expect(page.locator("#prefecture")).to_contain_text(
        f"Reçu en préfecture le {today:%d/%m/%Y} — identifiant {IDENTIFIER}"
    )
    expect(documents).not_to_contain_text("Copie exécutoire tamponnée")
    page.locator("#pref_published_on").fill(today.isoformat())
    page.get_by_role("button", name="Publier la délibération").click()

    day = f"{today:%d/%m/%Y}"
    label = f"Copie exécutoire tamponnée : reçue en préfecture le {day}, publiée le {day}"
    copy_link = documents.get_by_role("link", name=label)
    expect(copy_link).to_be_visible()
    expect(documents.get_by_role("link", name=ORIGINAL)).to_be_visible()
    copy = page.request.get(base + (copy_link.get_attribute("href") or ""))
    assert (copy.status, copy.headers["content-type"]) == (200, "application/pdf")
    screenshot(page, "copie-executoire-secretariat")

    # The public page offers both, says which is which, and serves the same copy.
    visitor = new_page()
    visitor.goto(f"{base}/public/PMA/deliberations/2023-PMA00192/")
    expect(visitor.get_by_role("link", name=f"{ORIGINAL} (PDF)")).to_be_visible()
    public_link = visitor.get_by_role("link", name=f"{label} (PDF)")
    expect(public_link).to_be_visible()
    expect(visitor.locator("#documents-explication")).to_contain_text(
        "L'original signé électroniquement fait foi et ne change jamais"
    )
    public_copy = visitor.request.get(base + (public_link.get_attribute("href") or ""))
    assert public_copy.status == 200
    assert public_copy.body() == copy.body()
    assert stamp_text(public_copy.body(), "executoire") == (
        f"Reçu en préfecture le {day}, identifiant {IDENTIFIER} ; publié le {day}\n"
        f"Acte rendu exécutoire après transmission en préfecture le {day} et publication "
        f"le {day}"
    )
    screenshot(visitor, "copie-executoire-public")
