"""The PV of 13 June 2023 signed in Chromium with two personal certificates: an
administrator registers the president's certificate on his page, then the president and
the secretary each log in, type their passphrase and sign; the PDF downloaded holds two
signatures by two different certificates, each naming its signatory."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from meetings.models import Session
from members.models import Mandate, Person, SigningCertificate
from pma_governance.lib.pades import validate_pdf
from tests.browser.conftest import login, make_user, screenshot
from tests.conftest import SEED_DATE, SEED_PATH, import_file
from tests.signatories import SIGNATORY_PASSPHRASE, issue, with_certificate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign(page: Page, base: str, session: Session, username: str, role_label: str) -> None:
    login(page, base, username)
    page.goto(f"{base}/seances/{session.pk}/pv/")
    panel = page.get_by_test_id("signature-panel")
    panel.get_by_label(re.compile("Phrase secrète de votre certificat")).fill(SIGNATORY_PASSPHRASE)
    panel.get_by_role("button", name=f"Signer en qualité de {role_label}").click()


def test_the_pv_is_signed_in_the_browser_with_two_personal_certificates(
    live_server: object,
    new_page: Callable[[], Page],
    signing_certificate: Path,
    tmp_path: Path,
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    import_file(SEED_PATH)
    session = Session.objects.select_related("body").get(body__short_name="PMA", date=SEED_DATE)
    body = session.body
    bavay = Mandate.objects.get(body=body, external_id="bavay")
    lemaire = Mandate.objects.get(body=body, external_id="lemaire")
    make_user(body, "dgs", "administrator", is_staff=True)
    make_user(body, "president", "administrator", mandate=bavay)
    make_user(body, "secretaire", "elu", mandate=lemaire)

    # An administrator registers the president's certificate on his page.
    certificate_file = tmp_path / "alain-bavay.p12"
    certificate_file.write_bytes(issue("Alain Bavay"))
    admin = new_page()
    login(admin, base, "dgs")
    admin.goto(f"{base}/membres/elus/{bavay.person_id}/")
    admin.get_by_role("link", name="Enregistrer un certificat").click()
    admin.get_by_label(re.compile("Phrase secrète du certificat")).fill("pas-la-bonne")
    admin.get_by_label(re.compile("Certificat \\(PKCS#12")).set_input_files(certificate_file)
    admin.get_by_role("button", name="Enregistrer le certificat").click()
    expect(admin.locator("#erreurs")).to_contain_text("Rien n'a été enregistré")
    expect(
        admin.get_by_text("Phrase secrète incorrecte : le fichier ne s'ouvre pas.")
    ).to_be_visible()
    admin.get_by_label(re.compile("Phrase secrète du certificat")).fill(SIGNATORY_PASSPHRASE)
    admin.get_by_label(re.compile("Certificat \\(PKCS#12")).set_input_files(certificate_file)
    admin.get_by_role("button", name="Enregistrer le certificat").click()
    expect(admin.get_by_text("Certificat de signature de Alain Bavay enregistré")).to_be_visible()
    registered = SigningCertificate.objects.get(person_id=bavay.person_id)
    certificates = admin.get_by_test_id("certificates")
    expect(certificates).to_contain_text(registered.fingerprint_display)
    expect(certificates).to_contain_text("CN=Alain Bavay")
    screenshot(admin, "certificat-enregistre")
    # The secretary's, registered the same way (by the service the form calls).
    with_certificate(Person.objects.get(pk=lemaire.person_id))

    president = new_page()
    _sign(president, base, session, "president", "président de séance")
    expect(president.get_by_text("Signature du président de séance apposée")).to_be_visible()
    expect(president.get_by_test_id("consent-president")).to_be_visible()

    secretary = new_page()
    _sign(secretary, base, session, "secretaire", "secrétaire de séance")
    expect(secretary.get_by_text("Le procès-verbal est signé électroniquement")).to_be_visible()
    signed_panel = secretary.get_by_test_id("signature-panel")
    expect(signed_panel).to_contain_text("Alain Bavay, le président — certificat CN=Alain Bavay")
    screenshot(secretary, "pv-signe-deux-certificats")

    # The PDF as the link serves it (inline), fetched with the secretary's session.
    link = secretary.get_by_role("link", name="Télécharger le procès-verbal signé")
    response = secretary.context.request.get(base + (link.get_attribute("href") or ""))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    # pyHanko runs its own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(max_workers=1) as pool:
        reports = pool.submit(validate_pdf, pdf).result()
    assert [(r.field_name, r.certificate_subject) for r in reports] == [
        ("president", "Alain Bavay"),
        ("secretaire", "François Lemaire"),
    ]
    assert all(r.intact and r.valid and r.trusted for r in reports)
