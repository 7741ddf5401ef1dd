"""The persons' signing certificates: who may register them, registering (which replaces
the certificate in use, kept in history), revoking, and the one a person signs with."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pyhanko.sign.signers import Signer

from members.models import Person, SigningCertificate
from pma_governance.lib.pades import SigningError, personal_signer
from pma_governance.lib.personal_certificates import (
    CertificateError,
    name_matches,
    read_certificate,
)

REGISTER_PERM = "members.register_signingcertificate"


def may_register_certificates(user: Any) -> bool:
    """A superuser, or a staff account given the dedicated permission."""
    if not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or (user.is_staff and user.has_perm(REGISTER_PERM)))


def active_certificate(person: Person) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(person=person, revoked_at__isnull=True).first()


def open_signing_key(person: Person, passphrase: str) -> tuple[SigningCertificate, Signer]:
    """The person's registered certificate, opened with the passphrase he typed: what a
    signatory signs an act with, and a mandant his procuration.

    The passphrase opens the key here and is dropped; no message repeats it.
    """
    certificate = active_certificate(person)
    if certificate is None:
        raise ValidationError(
            f"{person.full_name} n'a pas de certificat de signature enregistré : un "
            "administrateur doit l'enregistrer sur sa fiche d'élu avant qu'il puisse signer."
        )
    if certificate.not_after <= timezone.now():
        raise ValidationError(
            f"Le certificat de signature de {person.full_name} a expiré le "
            f"{timezone.localtime(certificate.not_after):%d/%m/%Y} : un administrateur doit "
            "en enregistrer un nouveau."
        )
    if not passphrase:
        raise ValidationError("Saisissez la phrase secrète de votre certificat pour signer.")
    try:
        return certificate, personal_signer(bytes(certificate.pkcs12), passphrase)
    except SigningError as exc:
        raise ValidationError(str(exc)) from None


@transaction.atomic
def certificate_register(
    *, person: Person, data: bytes, passphrase: str, by: Any
) -> SigningCertificate:
    """Check the upload opens with `passphrase`, names `person` and may sign; keep it
    encrypted, in place of the person's certificate in use (revoked, kept in history).

    The passphrase is only used to open the file and re-wrap the key: never stored.
    """
    if not may_register_certificates(by):
        raise ValidationError(
            "Seul un administrateur habilité enregistre les certificats de signature."
        )
    try:
        certificate = read_certificate(data, passphrase)
    except CertificateError as exc:
        raise ValidationError(str(exc)) from None  # the cause may carry library details
    if not name_matches(certificate.common_name, person.full_name):
        raise ValidationError(
            f"Ce certificat est au nom de « {certificate.common_name} », pas de "
            f"{person.full_name} : chacun signe avec un certificat à son propre nom."
        )
    person = Person.objects.select_for_update().get(pk=person.pk)
    now = timezone.now()
    SigningCertificate.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    return SigningCertificate.objects.create(
        person=person,
        pkcs12=certificate.pkcs12,
        subject=certificate.subject,
        common_name=certificate.common_name,
        issuer=certificate.issuer,
        serial=certificate.serial,
        not_before=certificate.not_before,
        not_after=certificate.not_after,
        fingerprint=certificate.fingerprint,
        registered_by=by,
    )


@transaction.atomic
def certificate_revoke(*, certificate: SigningCertificate, by: Any) -> SigningCertificate:
    """Stop a certificate from signing; it stays listed, revoked, with who and when."""
    if not may_register_certificates(by):
        raise ValidationError(
            "Seul un administrateur habilité révoque les certificats de signature."
        )
    certificate = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ValidationError("Ce certificat est déjà révoqué.")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.save(update_fields=["revoked_at", "revoked_by"])
    return certificate
