"""An élu and a visitor consult the archive in the browser: space, search, PDFs, portal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from deliberations.models import Deliberation
from meetings.models import ProcesVerbal, Session
from members.models import Mandate
from tests.browser.conftest import login, make_user, screenshot
from tests.conftest import SEED_PATH, import_file
from tests.pma_governance.publication.helpers import publish_fast, sign_pv_fast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def archive() -> Session:
    """The seed session; its first act published, the others signed only, the PV published."""
    import_file(SEED_PATH)
    session = Session.objects.select_related("body").get(date=dt.date(2023, 6, 13))
    acts = list(Deliberation.objects.filter(item__session=session).order_by("sequence"))
    publish_fast(acts[0])
    sign_pv_fast(session)
    ProcesVerbal.objects.filter(session=session).update(
        status="published", published_on=dt.date(2023, 6, 20)
    )
    return session


def test_an_elu_consults_his_sessions_searches_and_reads_his_attendance(
    live_server: object, new_page: Callable[[], Page], archive: Session
) -> None:
    bossart = Mandate.objects.get(body=archive.body, external_id="bossart")
    make_user(archive.body, "bossart", "elu", mandate=bossart)
    base = live_server.url  # type: ignore[attr-defined]
    page = new_page()
    login(page, base, "bossart")

    # Home is the members' space: this year's sessions, or the latest year's.
    expect(page.get_by_role("heading", name="Séances et documents")).to_be_visible()
    page.get_by_role("link", name="2023", exact=True).click()
    page.get_by_role("link", name="Séance du mardi 13 juin 2023").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("séance du mardi 13 juin 2023")
    row = page.locator("li", has_text="Partenariat 2023 avec l'Agence d'urbanisme")
    expect(row).to_contain_text("Délibération n° 2023/PMA00192")
    expect(row).to_contain_text("Adopté")
    with page.expect_response(lambda r: r.url.endswith(".pdf")) as answer:
        page.evaluate(
            "href => fetch(href)",
            row.get_by_role("link", name="Délibération signée (PDF)").get_attribute("href"),
        )
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    screenshot(page, "elu-seance")

    # Search: accents and plurals ignored, the match highlighted.
    page.get_by_role("link", name="Recherche").click()
    page.get_by_label("Rechercher", exact=True).fill("agences d'urbanisme")
    page.get_by_role("button", name="Rechercher").click()
    hit = page.locator("article, li, div.card", has_text="2023/PMA00192").first
    expect(hit).to_be_visible()
    expect(hit.locator("mark").first).to_be_visible()
    screenshot(page, "elu-recherche")

    # His attendance: he gave a proxy to the president at that session.
    page.get_by_role("link", name="Mon assiduité").first.click()
    expect(page.get_by_role("heading", name="Bilan 2023")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Représenté : pouvoir donné à Alain Bavay")
    screenshot(page, "elu-assiduite")


def test_a_visitor_reads_published_acts_only(
    live_server: object, new_page: Callable[[], Page], archive: Session
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    page = new_page()

    page.goto(base + "/public/")
    page.get_by_role("link", name="Pôle Métropolitain de l'Artois").first.click()
    expect(page.locator("main")).to_contain_text("2023/PMA00192")
    # Signed but not published: not even its number is shown.
    expect(page.locator("main")).not_to_contain_text("2023/PMA00193")
    page.get_by_role("link", name="2023/PMA00192").first.click()
    expect(page.locator("main")).to_contain_text("publiée le 20/06/2023")
    pdf = page.get_by_role("link", name="Original signé électroniquement (fait foi) (PDF)")
    response = page.request.get(base + (pdf.get_attribute("href") or ""))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    hidden = Deliberation.objects.get(number="2023/PMA00193")
    assert page.request.get(f"{base}/public/PMA/deliberations/{hidden.pk}.pdf").status == 404
    assert page.request.get(f"{base}/public/PMA/deliberations/2023-PMA00193/").status == 404
    screenshot(page, "public-acte")
