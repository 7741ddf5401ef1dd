"""A person's signing certificate: registered by an administrator in the app, checked (it
opens, names the person, may sign, is valid), kept encrypted, never readable back, and
replaced or revoked with its history kept."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from meetings.models import Session
from members.certificates import active_certificate, certificate_register, certificate_revoke
from members.models import Person, SigningCertificate
from pma_governance.lib.personal_certificates import MAX_UPLOAD_BYTES
from tests.factories import login_as, login_verified
from tests.signatories import SIGNATORY_PASSPHRASE, Issue, registrar

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def bavay(seed_session: Session, signing_certificate: Path) -> Person:
    return Person.objects.get(last_name="Bavay")


def _register(person: Person, data: bytes, passphrase: str = SIGNATORY_PASSPHRASE) -> str:
    """The French refusal of this registration (it must be refused)."""
    with pytest.raises(ValidationError) as excinfo:
        certificate_register(person=person, data=data, passphrase=passphrase, by=registrar())
    assert not SigningCertificate.objects.filter(person=person).exists()
    (message,) = excinfo.value.messages
    return message


def _pem(bundle: bytes, *, key_from: bytes | None = None, encrypted: bool = True) -> bytes:
    """The certificate of `bundle` and the key of `key_from` (default: its own) as PEM."""
    key, _, _ = pkcs12.load_key_and_certificates(key_from or bundle, SIGNATORY_PASSPHRASE.encode())
    _, cert, chain = pkcs12.load_key_and_certificates(bundle, SIGNATORY_PASSPHRASE.encode())
    assert key is not None and cert is not None
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(SIGNATORY_PASSPHRASE.encode())
        if encrypted
        else serialization.NoEncryption()
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    certs = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain])
    return certs + key_pem


def test_a_pkcs12_in_the_persons_name_is_registered_with_its_facts(
    bavay: Person, issue_certificate: Issue
) -> None:
    certificate = certificate_register(
        person=bavay,
        data=issue_certificate("Alain Bavay"),
        passphrase=SIGNATORY_PASSPHRASE,
        by=registrar(),
    )
    assert certificate.common_name == "Alain Bavay"
    assert "CN=Alain Bavay" in certificate.subject
    assert "Autorité de certification des actes" in certificate.issuer
    assert len(certificate.fingerprint) == 64 and certificate.serial
    assert certificate.not_before < NOW < certificate.not_after
    # Kept encrypted: it does not open without the passphrase, and opens with it.
    stored = bytes(SigningCertificate.objects.get(pk=certificate.pk).pkcs12)
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(stored, None)
    key, _, _ = pkcs12.load_key_and_certificates(stored, SIGNATORY_PASSPHRASE.encode())
    assert key is not None


def test_a_pem_certificate_with_its_encrypted_key_is_registered(
    bavay: Person, issue_certificate: Issue
) -> None:
    pem = _pem(issue_certificate("Alain Bavay"))
    certificate = certificate_register(
        person=bavay, data=pem, passphrase=SIGNATORY_PASSPHRASE, by=registrar()
    )
    assert certificate.common_name == "Alain Bavay"


def test_the_name_is_compared_without_accents_case_or_order(
    seed_session: Session, issue_certificate: Issue
) -> None:
    lemaire = Person.objects.get(last_name="Lemaire")
    certificate = certificate_register(
        person=lemaire,
        data=issue_certificate("LEMAIRE Francois"),
        passphrase=SIGNATORY_PASSPHRASE,
        by=registrar(),
    )
    assert certificate.common_name == "LEMAIRE Francois"


def test_registration_refusals_are_french_and_write_nothing(
    bavay: Person, issue_certificate: Issue
) -> None:
    own = issue_certificate("Alain Bavay")
    assert _register(bavay, b"ceci n'est pas un certificat") == (
        "Fichier illisible : ni un PKCS#12 (.p12, .pfx) ni un PEM (certificat et clé)."
    )
    assert _register(bavay, own, "pas-la-bonne") == (
        "Phrase secrète incorrecte : le fichier ne s'ouvre pas."
    )
    assert _register(bavay, _pem(own), "pas-la-bonne") == (
        "Phrase secrète incorrecte : la clé ne s'ouvre pas."
    )
    other_key = _pem(own, key_from=issue_certificate("Alain Bavay", org="Autre"))
    assert _register(bavay, other_key) == "La clé privée ne correspond pas au certificat."
    assert "n'est pas chiffrée" in _register(bavay, issue_certificate("Alain Bavay", passphrase=""))
    assert "n'est pas chiffrée" in _register(bavay, _pem(own, encrypted=False))
    expired = issue_certificate(
        "Alain Bavay", not_before=NOW - dt.timedelta(days=800), not_after=NOW - dt.timedelta(days=2)
    )
    assert _register(bavay, expired).startswith("Certificat expiré depuis le ")
    future = issue_certificate("Alain Bavay", not_before=NOW + dt.timedelta(days=10))
    assert _register(bavay, future).startswith("Certificat pas encore valide")
    encryption_only = issue_certificate("Alain Bavay", signing_usage=False)
    assert _register(bavay, encryption_only) == (
        "Ce certificat n'est pas un certificat de signature : son usage de clé ne comprend ni "
        "la signature numérique ni la non-répudiation."
    )
    assert _register(bavay, issue_certificate("Corinne Laversin")) == (
        "Ce certificat est au nom de « Corinne Laversin », pas de Alain Bavay : chacun signe "
        "avec un certificat à son propre nom."
    )
    assert _register(bavay, b"0" * (MAX_UPLOAD_BYTES + 1)).startswith("Fichier trop volumineux")
    assert _register(bavay, own, "") == "La phrase secrète du certificat est obligatoire."


def test_replacing_and_revoking_keep_the_history(bavay: Person, issue_certificate: Issue) -> None:
    by = registrar()
    first = certificate_register(
        person=bavay, data=issue_certificate("Alain Bavay"), passphrase=SIGNATORY_PASSPHRASE, by=by
    )
    second = certificate_register(
        person=bavay,
        data=issue_certificate("Alain Bavay", org="Remplacement"),
        passphrase=SIGNATORY_PASSPHRASE,
        by=by,
    )
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by == by
    assert active_certificate(bavay) == second
    certificate_revoke(certificate=second, by=by)
    assert active_certificate(bavay) is None
    assert SigningCertificate.objects.filter(person=bavay).count() == 2
    # The database's history records each step, without the encrypted key.
    events = apps.get_model("members", "SigningCertificateEvent")
    assert "pkcs12" not in {f.name for f in events._meta.get_fields()}
    assert events.objects.filter(pgh_obj__person=bavay).count() >= 4
    with pytest.raises(ValidationError, match="déjà révoqué"):
        certificate_revoke(certificate=second, by=by)


def test_only_a_superuser_or_a_staff_with_the_permission_registers(
    bavay: Person, issue_certificate: Issue, client: Client, seed_session: Session
) -> None:
    url = reverse("members:certificate_add", args=[bavay.pk])
    login_as(client, "secretariat", seed_session.body, is_staff=True)
    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("bavay.p12", issue_certificate("Alain Bavay"))
    refused = client.post(url, {"file": upload, "passphrase": SIGNATORY_PASSPHRASE})
    assert refused.status_code == 403
    login_as(client, "administrator", seed_session.body)  # not staff
    assert client.get(url).status_code == 403
    assert not SigningCertificate.objects.exists()


def test_an_administrator_registers_in_the_app_and_the_key_is_never_shown(
    bavay: Person,
    issue_certificate: Issue,
    client: Client,
    seed_session: Session,
    caplog: pytest.LogCaptureFixture,
) -> None:
    login_as(client, "administrator", seed_session.body, is_staff=True)
    url = reverse("members:certificate_add", args=[bavay.pk])
    bundle = issue_certificate("Alain Bavay")
    caplog.set_level(logging.DEBUG)

    wrong = client.post(
        url, {"file": SimpleUploadedFile("b.p12", bundle), "passphrase": "mauvaise-phrase"}
    )
    html = wrong.content.decode()
    assert "Phrase secrète incorrecte : le fichier ne s&#x27;ouvre pas." in html
    assert "mauvaise-phrase" not in html  # the passphrase is never shown back
    done = client.post(
        url,
        {"file": SimpleUploadedFile("b.p12", bundle), "passphrase": SIGNATORY_PASSPHRASE},
        follow=True,
    )
    page = done.content.decode()
    assert "Certificat de signature de Alain Bavay enregistré" in page
    certificate = SigningCertificate.objects.get(person=bavay)
    assert certificate.fingerprint_display in page and certificate.serial in page

    stored = bytes(certificate.pkcs12)
    login_verified(client, registrar())
    admin_pages = [
        client.get(reverse("admin:members_signingcertificate_change", args=[certificate.pk])),
        client.get(reverse("admin:members_signingcertificate_changelist")),
        client.get(reverse("admin:members_person_change", args=[bavay.pk])),
    ]
    assert certificate.fingerprint in admin_pages[0].content.decode()
    for response in [done, *admin_pages]:
        assert response.status_code == 200
        text = response.content.decode()
        for secret in (
            "PRIVATE KEY",
            base64.b64encode(stored[:48]).decode(),
            stored[:32].hex(),
            SIGNATORY_PASSPHRASE,
        ):
            assert secret not in text
    # Neither is the passphrase in any log line.
    assert all(SIGNATORY_PASSPHRASE not in r.getMessage() for r in caplog.records)
