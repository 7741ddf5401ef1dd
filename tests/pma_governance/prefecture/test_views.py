"""The prefecture panel of a deliberation: the ZIP for the contrôle de légalité, the
transmission and the accusé de réception, annexes, publication — and who may do what."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from deliberations.models import Deliberation, DeliberationAnnex, SignedDocument
from meetings.models import ProcesVerbal, Session
from pma_governance.documents.consents import deliberation_sign
from pma_governance.prefecture.actes import ACTES_NAMESPACE
from tests.factories import login_as
from tests.pma_governance.prefecture.helpers import IDENTIFIER
from tests.pma_governance.publication.helpers import (
    NUMBER,
    PASSPHRASE,
    make_certificate,
    sign_fast,
    sign_pv_fast,
)
from tests.signatories import Signatories

pytestmark = pytest.mark.django_db

WRONG_IDENTIFIER = "062-200060358-20230614-2023_PMA00192-DE"
MAX_ANNEX = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_certificate(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def signing_certificate(settings: Any, certificate: Path) -> Path:
    settings.SIGNING_PKCS12_PATH = str(certificate)
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    return certificate


@pytest.fixture
def aula(voted: Deliberation) -> Deliberation:
    """2023/PMA00192, voted, without the acknowledgement the seed already records."""
    return voted


@pytest.fixture
def admin(seed_session: Session) -> Client:
    client = Client()
    login_as(client, "administrator", seed_session.body, username="dgs")
    return client


@pytest.fixture
def secretariat(seed_session: Session) -> Client:
    client = Client()
    login_as(client, "secretariat", seed_session.body)
    return client


@pytest.fixture
def elu(seed_session: Session) -> Client:
    client = Client()
    login_as(client, "elu", seed_session.body)
    return client


def _text(response: Any) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return _visible(response.content.decode())


def _visible(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _source(response: Any) -> str:
    return html.unescape(response.content.decode())


def _url(name: str, deliberation: Deliberation) -> str:
    return reverse(f"deliberations:{name}", args=[deliberation.pk])


def _detail(client: Client, deliberation: Deliberation) -> str:
    response = client.get(_url("detail", deliberation))
    assert response.status_code == 200
    return _text(response)


def _pdf(name: str = "annexe.pdf", size: int = 0) -> SimpleUploadedFile:
    body = b"%PDF-1.7\n% annexe\n" + b"0" * size + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


# --- The @ctes archive for the contrôle de légalité ----------------------------------------------------


def test_zip_is_refused_before_signature_with_a_french_message(
    admin: Client, aula: Deliberation
) -> None:
    page = _detail(admin, aula)
    assert "Télécharger pour @ctes" not in page
    assert "disponibles une fois la délibération signée" in page

    response = admin.get(_url("prefecture_actes", aula), follow=True)

    assert response.redirect_chain[-1][0].endswith(_url("detail", aula) + "#prefecture")
    assert response["Content-Type"].startswith("text/html")
    assert (
        f"La délibération n° {NUMBER} n'est pas signée : elle ne peut être transmise en "
        "préfecture." in _text(response)
    )


def test_zip_after_signature_holds_the_signed_pdf_as_stored_and_the_actes_metadata(
    admin: Client,
    aula: Deliberation,
    admin_user: AbstractBaseUser,
    signatories: Callable[[Session], Signatories],
) -> None:
    annex = admin.post(
        _url("annex_add", aula), {"title": "Convention de partenariat", "file": _pdf("conv.pdf")}
    )
    assert annex.status_code == 302
    deliberation_sign(deliberation=aula, **signatories(aula.item.session)._asdict())  # type: ignore[union-attr]
    stored = bytes(SignedDocument.objects.get(deliberation=aula).pdf)
    assert "Télécharger pour @ctes" in _detail(admin, aula)

    response = admin.get(_url("prefecture_actes", aula))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    today = timezone.localdate()
    base = f"062-200060358-{today:%Y%m%d}-2023_PMA00192-DE-1-1"
    assert response["Content-Disposition"] == (
        f'attachment; filename="EACT--200060358--{today:%Y%m%d}-{aula.pk}.tar.gz"'
    )
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
        files = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}  # type: ignore[union-attr]
    assert files[f"99_DE-{base}_1.pdf"] == stored
    assert files[f"99_AU-{base}_2.pdf"].startswith(b"%PDF-")
    acte = ElementTree.fromstring(files[f"{base}_0.xml"])
    ns = f"{{{ACTES_NAMESPACE}}}"
    assert acte.get(f"{ns}NumeroInterne") == "2023_PMA00192"
    assert acte.get(f"{ns}CodeNatureActe") == "1"
    assert acte.get(f"{ns}Date") == "2023-06-13"
    assert acte.findtext(f"{ns}Objet") == aula.title


# --- Transmission and accusé de réception ----------------------------------------------------


def test_transmission_then_acknowledgement_recorded_and_shown(
    admin: Client, aula: Deliberation
) -> None:
    sign_fast(aula)
    page = _detail(admin, aula)
    assert "Non transmise" in page
    assert "Reçu en préfecture le" not in page

    sent = admin.post(_url("prefecture_sent", aula), {"sent_on": "2023-06-15"})
    assert sent.status_code == 302
    ack = admin.post(
        _url("prefecture_ack", aula), {"received_on": "2023-06-19", "identifier": IDENTIFIER}
    )
    assert ack.status_code == 302

    aula.refresh_from_db()
    assert aula.status == "transmitted"
    assert (aula.prefecture_sent_on, aula.prefecture_received_on, aula.prefecture_identifier) == (
        dt.date(2023, 6, 15),
        dt.date(2023, 6, 19),
        IDENTIFIER,
    )
    page = _detail(admin, aula)
    assert "Transmise le 15/06/2023" in page
    assert f"Reçu en préfecture le 19/06/2023 — identifiant {IDENTIFIER}" in page
    # The signed PDF cannot change: the UI says where the mention goes (the stamped copy,
    # made once the act is also published).
    assert "Le PDF signé ne change plus après la signature" in page
    assert "la copie exécutoire tamponnée est produite à côté" in page


def test_wrong_identifier_is_refused_with_the_typed_values_kept(
    admin: Client, aula: Deliberation
) -> None:
    sign_fast(aula)
    admin.post(_url("prefecture_sent", aula), {"sent_on": "2023-06-15"})

    response = admin.post(
        _url("prefecture_ack", aula),
        {"received_on": "2023-06-19", "identifier": WRONG_IDENTIFIER},
    )

    assert response.status_code == 200
    page = _text(response)
    assert "Rien n'a été enregistré" in page
    assert "L'identifiant porte « 20230614 » où la date de la séance donne « 20230613 »." in page
    assert f'value="{WRONG_IDENTIFIER}"' in _source(response)
    assert 'value="2023-06-19"' in _source(response)
    aula.refresh_from_db()
    assert (aula.prefecture_received_on, aula.prefecture_identifier) == (None, "")
    assert "Reçu en préfecture le" not in page


def test_badly_formed_identifier_and_date_are_refused_in_french(
    admin: Client, aula: Deliberation
) -> None:
    sign_fast(aula)
    admin.post(_url("prefecture_sent", aula), {"sent_on": "2023-06-15"})

    response = admin.post(
        _url("prefecture_ack", aula), {"received_on": "2023-06-14", "identifier": "AR 12"}
    )

    page = _text(response)
    assert "L'accusé de réception (14/06/2023) précède la transmission (15/06/2023)." in page
    assert "L'identifiant « AR12 » n'a pas la forme attendue" in page
    missing = admin.post(_url("prefecture_ack", aula), {"received_on": "", "identifier": ""})
    assert "Indiquez la date." in _text(missing)
    assert "Indiquez l'identifiant de l'accusé de réception." in _text(missing)


def test_a_transmission_date_before_the_session_is_refused(
    admin: Client, aula: Deliberation
) -> None:
    sign_fast(aula)
    response = admin.post(_url("prefecture_sent", aula), {"sent_on": "2023-06-12"})
    assert response.status_code == 200
    page = _text(response)
    assert "La date de transmission (12/06/2023) précède la séance du 13/06/2023." in page
    assert 'value="2023-06-12"' in _source(response)
    aula.refresh_from_db()
    assert aula.prefecture_sent_on is None


def test_acknowledged_act_published_shows_the_receipt_publicly_and_serves_the_pdf_as_signed(
    admin: Client,
    aula: Deliberation,
    admin_user: AbstractBaseUser,
    signatories: Callable[[Session], Signatories],
) -> None:
    signed = deliberation_sign(deliberation=aula, **signatories(aula.item.session)._asdict())  # type: ignore[union-attr]
    today = timezone.localdate()
    admin.post(_url("prefecture_sent", aula), {"sent_on": "2023-06-15"})
    admin.post(
        _url("prefecture_ack", aula), {"received_on": "2023-06-19", "identifier": IDENTIFIER}
    )
    admin.post(_url("publish", aula), {"published_on": today.isoformat()})

    anonymous = Client()
    public = anonymous.get(reverse("public:body", args=["PMA"]))
    assert f"Reçu en préfecture le 19/06/2023 {IDENTIFIER}" in _text(public)
    assert f"{today:%d/%m/%Y}" in _text(public)
    pdf = anonymous.get(reverse("public:deliberation_pdf", args=["PMA", aula.pk]))
    # The acknowledgement came after the signature: the signed PDF is served unchanged.
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.content).hexdigest() == signed.sha256
    assert pdf.content == bytes(SignedDocument.objects.get(pk=signed.pk).pdf)


# --- Annexes -----------------------------------------------------------------------------------


def test_annexes_are_pdf_only_and_at_most_20_mo(admin: Client, aula: Deliberation) -> None:
    url = _url("annex_add", aula)
    not_pdf = SimpleUploadedFile("tableau.xlsx", b"PK\x03\x04", content_type="application/pdf")
    response = admin.post(url, {"title": "Tableau des subventions", "file": not_pdf})
    page = _text(response)
    assert "« tableau.xlsx » n'est pas un fichier PDF : PDF uniquement." in page
    assert 'value="Tableau des subventions"' in _source(response)

    too_big = admin.post(url, {"title": "Plan", "file": _pdf(size=MAX_ANNEX)})
    assert "20 Mo au plus." in _text(too_big)
    assert not DeliberationAnnex.objects.exists()

    ok = admin.post(url, {"title": "Convention", "file": _pdf("convention.pdf")})
    assert ok.status_code == 302
    assert "1. Convention" in _detail(admin, aula)
    annex = DeliberationAnnex.objects.get()
    download = admin.get(reverse("deliberations:annex_file", args=[aula.pk, annex.pk]))
    assert download.content == bytes(annex.content)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("inline")


def test_an_annex_that_is_not_a_pdf_is_downloaded_never_opened_in_the_site(
    admin: Client, aula: Deliberation
) -> None:
    # What the admin's upload keeps of a page: the type the browser claimed.
    page = b"<script>fetch('/deliberations/')</script>"
    annex = DeliberationAnnex.objects.create(
        deliberation=aula,
        title="Page",
        filename="page.html",
        content_type="text/html",
        content=page,
        sha256=hashlib.sha256(page).hexdigest(),
    )

    download = admin.get(reverse("deliberations:annex_file", args=[aula.pk, annex.pk]))

    assert download.content == page
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="page.html"'


def test_no_annex_once_the_act_is_transmitted(admin: Client, aula: Deliberation) -> None:
    sign_fast(aula)
    admin.post(_url("prefecture_sent", aula), {"sent_on": "2023-06-15"})
    assert "aucune annexe ne peut plus lui être ajoutée" in _detail(admin, aula)

    response = admin.post(_url("annex_add", aula), {"title": "Oubli", "file": _pdf()})

    assert response.status_code == 200
    assert f"La délibération n° {NUMBER} est transmise : aucune annexe" in _text(response)
    assert not DeliberationAnnex.objects.exists()


# --- Publication ---------------------------------------------------------------------------------


def test_publish_from_the_panel(admin: Client, aula: Deliberation) -> None:
    sign_fast(aula)
    response = admin.post(_url("publish", aula), {"published_on": "2023-06-20"}, follow=True)
    assert f"Délibération n° {NUMBER} publiée le 20/06/2023" in _text(response)
    aula.refresh_from_db()
    assert (aula.status, aula.published_on) == ("published", dt.date(2023, 6, 20))
    assert "Publiée le 20/06/2023" in _detail(admin, aula)


def test_publishing_an_unsigned_act_is_refused_in_french(admin: Client, aula: Deliberation) -> None:
    response = admin.post(_url("publish", aula), {"published_on": "2023-06-20"})
    assert response.status_code == 200
    assert f"La délibération n° {NUMBER} n'est pas signée : elle ne peut être publiée." in _text(
        response
    )
    aula.refresh_from_db()
    assert aula.published_on is None


# --- Rights ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretariat", "elu"])
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("prefecture_sent", {"sent_on": "2023-06-15"}),
        ("prefecture_ack", {"received_on": "2023-06-19", "identifier": IDENTIFIER}),
        ("publish", {"published_on": "2023-06-20"}),
    ],
)
def test_without_the_permission_a_post_is_forbidden(
    request: pytest.FixtureRequest, who: str, name: str, data: dict[str, str], aula: Deliberation
) -> None:
    client: Client = request.getfixturevalue(who)
    sign_fast(aula)
    assert client.post(_url(name, aula), data).status_code == 403
    aula.refresh_from_db()
    assert (aula.status, aula.prefecture_sent_on, aula.published_on) == ("signed", None, None)


@pytest.mark.parametrize("who", ["secretariat", "elu"])
def test_without_the_permission_the_zip_is_forbidden(
    request: pytest.FixtureRequest, who: str, aula: Deliberation
) -> None:
    client: Client = request.getfixturevalue(who)
    sign_fast(aula)
    assert client.get(_url("prefecture_zip", aula)).status_code == 403


def test_elu_reads_the_status_but_has_no_form(elu: Client, aula: Deliberation) -> None:
    sign_fast(aula)
    Deliberation.objects.filter(pk=aula.pk).update(
        status="transmitted",
        prefecture_sent_on=dt.date(2023, 6, 15),
        prefecture_received_on=dt.date(2023, 6, 19),
        prefecture_identifier=IDENTIFIER,
    )
    page = _detail(elu, aula)
    assert f"Reçu en préfecture le 19/06/2023 — identifiant {IDENTIFIER}" in page
    for action in ("Enregistrer", "Publier la délibération", "Ajouter l'annexe", "ZIP"):
        assert action not in page
    assert elu.post(_url("annex_add", aula), {"title": "X", "file": _pdf()}).status_code == 403


def test_secretariat_adds_annexes_but_does_not_transmit(
    secretariat: Client, aula: Deliberation
) -> None:
    page = _detail(secretariat, aula)
    assert "Ajouter l'annexe" in page
    assert "Enregistrer la transmission" not in page
    response = secretariat.post(_url("annex_add", aula), {"title": "Convention", "file": _pdf()})
    assert response.status_code == 302


def test_another_bodys_act_is_not_found(admin: Client) -> None:
    from tests.factories import DeliberationFactory

    other = DeliberationFactory()
    assert admin.post(_url("prefecture_sent", other), {"sent_on": "2023-06-15"}).status_code == 404


# --- The PV's publication (form included on the session hub) -------------------------------------


def _pv_panel(session: Session, user: User, query: str = "", *, source: bool = False) -> str:
    """The PV's publication panel as the session hub includes it (a fresh session row)."""
    request = RequestFactory().get(f"/seances/{session.pk}/{query}")
    request.user = user
    markup = render_to_string(
        "publication/_publication_panel.html",
        {"session": Session.objects.get(pk=session.pk), "perms": PermWrapper(user)},
        request=request,
    )
    return html.unescape(markup) if source else _visible(markup)


def test_pv_published_from_its_panel(admin: Client, seed_session: Session) -> None:
    user = User.objects.get(username="dgs")  # the account of `admin`
    assert "Le procès-verbal pourra être publié une fois signé." in _pv_panel(seed_session, user)
    sign_pv_fast(seed_session)
    assert "Publier le procès-verbal" in _pv_panel(seed_session, user)

    url = reverse("deliberations:pv_publish", args=[seed_session.pk])
    response = admin.post(url, {"published_on": "2023-06-20"})

    hub = reverse("meetings:session_detail", args=[seed_session.pk])
    assert response["Location"] == hub + "#publication"
    pv = ProcesVerbal.objects.get(session=seed_session)
    assert (pv.status, pv.published_on) == ("published", dt.date(2023, 6, 20))
    assert "Procès-verbal publié le 20/06/2023" in _pv_panel(seed_session, user)


def test_pv_publication_refused_keeps_the_typed_date(admin: Client, seed_session: Session) -> None:
    url = reverse("deliberations:pv_publish", args=[seed_session.pk])
    sign_pv_fast(seed_session)

    response = admin.post(url, {"published_on": "2023-06-01"}, follow=True)

    page = _text(response)
    assert "La date de publication (01/06/2023) précède la signature (14/06/2023)." in page
    assert response.redirect_chain[-1][0].endswith("?pv_publie_le=2023-06-01#publication")
    user = User.objects.get(username="dgs")  # the account of `admin`
    panel = _pv_panel(seed_session, user, "?pv_publie_le=2023-06-01", source=True)
    assert 'value="2023-06-01"' in panel
    assert ProcesVerbal.objects.get(session=seed_session).published_on is None


def test_a_draft_pv_is_not_published(admin: Client, seed_session: Session) -> None:
    url = reverse("deliberations:pv_publish", args=[seed_session.pk])
    response = admin.post(url, {"published_on": "2023-06-20"}, follow=True)
    assert "n'est pas signé : il ne peut être publié." in _text(response)
    assert ProcesVerbal.objects.get(session=seed_session).status == "draft"


@pytest.mark.parametrize("who", ["secretariat", "elu"])
def test_pv_publication_forbidden_without_the_permission(
    request: pytest.FixtureRequest, who: str, seed_session: Session
) -> None:
    client: Client = request.getfixturevalue(who)
    sign_pv_fast(seed_session)
    url = reverse("deliberations:pv_publish", args=[seed_session.pk])
    assert client.post(url, {"published_on": "2023-06-20"}).status_code == 403
    assert ProcesVerbal.objects.get(session=seed_session).status == "signed"
