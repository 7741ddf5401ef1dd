"""A person's signing certificate: read from what an administrator uploads, checked, and
kept encrypted under its holder's passphrase. Pure of Django models: bytes in, facts out.

The upload is a PKCS#12 file (.p12/.pfx) or a PEM file holding the certificate and its
encrypted private key. It is kept re-wrapped as a PKCS#12 encrypted with the best
algorithm available (`BestAvailableEncryption`), under the passphrase given at
registration, which is never stored: only its holder can open it again, at signature.
Every refusal is a French sentence; none names the passphrase.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtensionOID, NameOID

__all__ = [
    "MAX_UPLOAD_BYTES",
    "CertificateError",
    "PersonalCertificate",
    "name_matches",
    "read_certificate",
]

# A certificate and its chain weigh a few kilobytes; 64 KiB leaves room for long chains.
MAX_UPLOAD_BYTES = 64 * 1024

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
_SIGNING_KEYS = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)
_PEM_KEY = re.compile(
    rb"-----BEGIN ((?:ENCRYPTED |RSA |EC )?PRIVATE KEY)-----.*?-----END \1-----", re.DOTALL
)


class CertificateError(Exception):
    """The upload is refused; the message is French, for the administrator."""


@dataclass(frozen=True)
class PersonalCertificate:
    """What is kept of a person's certificate: the encrypted bundle and its public facts."""

    pkcs12: bytes  # key, certificate and chain, encrypted under the holder's passphrase
    subject: str
    common_name: str
    issuer: str
    serial: str  # hexadecimal
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint: str  # SHA-256 of the certificate (DER), hexadecimal


def read_certificate(
    data: bytes, passphrase: str, *, now: dt.datetime | None = None
) -> PersonalCertificate:
    """The certificate in `data`, checked and re-wrapped; CertificateError when refused."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise CertificateError(
            f"Fichier trop volumineux : un certificat pèse quelques kilo-octets "
            f"({MAX_UPLOAD_BYTES // 1024} Ko au plus)."
        )
    if not data:
        raise CertificateError("Le fichier est vide.")
    if not passphrase:
        raise CertificateError("La phrase secrète du certificat est obligatoire.")
    if data.lstrip().startswith(b"-----BEGIN"):
        key, cert, chain = _read_pem(data, passphrase)
    else:
        key, cert, chain = _read_pkcs12(data, passphrase)
    if not _same_key(key, cert):
        raise CertificateError("La clé privée ne correspond pas au certificat.")
    _check_usable(cert, now or dt.datetime.now(dt.UTC))
    common_name = _attribute(cert.subject, NameOID.COMMON_NAME)
    bundle = pkcs12.serialize_key_and_certificates(
        name=common_name.encode(),
        key=key,
        cert=cert,
        cas=chain or None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    return PersonalCertificate(
        pkcs12=bundle,
        subject=cert.subject.rfc4514_string(),
        common_name=common_name,
        issuer=cert.issuer.rfc4514_string(),
        serial=f"{cert.serial_number:X}",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=cert.fingerprint(hashes.SHA256()).hex().upper(),
    )


def name_matches(common_name: str, person_name: str) -> bool:
    """Does the certificate's common name name the person? Accents, case, hyphens and the
    order of first and last names aside (« BAVAY Alain » names Alain Bavay)."""
    cn, person = _words(common_name), _words(person_name)
    return bool(person) and sorted(cn) == sorted(person)


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.findall(r"[a-z0-9]+", plain)


def _read_pkcs12(
    data: bytes, passphrase: str
) -> tuple[SigningKey, x509.Certificate, list[x509.Certificate]]:
    try:
        asn1_pkcs12.Pfx.load(data).native  # noqa: B018 — parses the whole structure
    except (ValueError, TypeError) as exc:
        raise CertificateError(
            "Fichier illisible : ni un PKCS#12 (.p12, .pfx) ni un PEM (certificat et clé)."
        ) from exc
    for blank in (None, b""):
        try:
            unprotected = pkcs12.load_key_and_certificates(data, blank)
        except (ValueError, TypeError):
            continue
        if unprotected[0] is not None:
            raise CertificateError(
                "La clé privée du fichier n'est pas chiffrée : déposez un fichier protégé "
                "par la phrase secrète du titulaire."
            )
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except (ValueError, TypeError) as exc:
        raise CertificateError("Phrase secrète incorrecte : le fichier ne s'ouvre pas.") from exc
    if key is None or cert is None:
        raise CertificateError("Le fichier doit contenir la clé privée et le certificat.")
    if not isinstance(key, _SIGNING_KEYS):
        raise CertificateError("Type de clé non pris en charge (RSA ou ECDSA attendue).")
    return key, cert, list(chain)


def _read_pem(
    data: bytes, passphrase: str
) -> tuple[SigningKey, x509.Certificate, list[x509.Certificate]]:
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise CertificateError("Aucun certificat lisible dans le fichier PEM.") from exc
    match = _PEM_KEY.search(data)
    if match is None:
        raise CertificateError(
            "Le fichier PEM doit contenir le certificat et sa clé privée chiffrée."
        )
    block = match.group(0)
    try:
        serialization.load_pem_private_key(block, password=None)
    except TypeError:
        pass  # encrypted, as it must be
    except ValueError as exc:
        raise CertificateError("Clé privée illisible dans le fichier PEM.") from exc
    else:
        raise CertificateError(
            "La clé privée du fichier n'est pas chiffrée : déposez une clé protégée par la "
            "phrase secrète du titulaire."
        )
    try:
        key = serialization.load_pem_private_key(block, password=passphrase.encode())
    except (ValueError, TypeError) as exc:
        raise CertificateError("Phrase secrète incorrecte : la clé ne s'ouvre pas.") from exc
    if not isinstance(key, _SIGNING_KEYS):
        raise CertificateError("Type de clé non pris en charge (RSA ou ECDSA attendue).")
    own = [c for c in certs if _same_key(key, c)]
    if not own:
        raise CertificateError("La clé privée ne correspond pas au certificat.")
    return key, own[0], [c for c in certs if c is not own[0]]


def _same_key(key: PrivateKeyTypes, cert: x509.Certificate) -> bool:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    return key.public_key().public_bytes(der, spki) == cert.public_key().public_bytes(der, spki)


def _check_usable(cert: x509.Certificate, now: dt.datetime) -> None:
    if now < cert.not_valid_before_utc:
        raise CertificateError(
            f"Certificat pas encore valide : il l'est à partir du "
            f"{cert.not_valid_before_utc:%d/%m/%Y}."
        )
    if now > cert.not_valid_after_utc:
        raise CertificateError(f"Certificat expiré depuis le {cert.not_valid_after_utc:%d/%m/%Y}.")
    try:
        usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    except x509.ExtensionNotFound:
        usage = None
    if not isinstance(usage, x509.KeyUsage) or not (
        usage.digital_signature or usage.content_commitment
    ):
        raise CertificateError(
            "Ce certificat n'est pas un certificat de signature : son usage de clé ne "
            "comprend ni la signature numérique ni la non-répudiation."
        )
    if not _attribute(cert.subject, NameOID.COMMON_NAME):
        raise CertificateError("Le certificat ne nomme pas son titulaire (nom commun absent).")


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""
