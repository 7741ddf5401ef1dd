"""A self-signed demonstration PKI: a root authority, the body's signing certificate and
the personal certificates of the signatories it issues in demo mode.

Only for development, tests and demonstrations: a real body registers certificates
issued by a recognised authority. The root's private key is kept beside the PKCS#12
(`demo.root.key.pem`), encrypted under the same passphrase, so that the demo authority
can issue a certificate to each signatory later (`issue_personal_certificate`).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

# RFC 5280 caps a common name at 64 characters (« … signature des actes (démonstration) »
# would be 68, and cryptography refuses it), hence the shorter wording.
DEFAULT_COMMON_NAME = "Pôle Métropolitain de l'Artois — signature (démonstration)"
DEFAULT_ORG = "Pôle Métropolitain de l'Artois"
ROOT_COMMON_NAME = "Autorité de certification des actes (démonstration)"
NAME_MAX_LENGTH = 64  # RFC 5280, ub-common-name and ub-organization-name
VALIDITY = dt.timedelta(days=3650)
# Starts a day early so that a clock slightly behind still sees a valid certificate.
BACKDATE = dt.timedelta(days=1)


def root_pem_path(pkcs12_path: Path) -> Path:
    """Where the root certificate of a demo PKCS#12 file is written (demo.root.pem)."""
    return pkcs12_path.with_suffix(".root.pem")


def root_key_path(pkcs12_path: Path) -> Path:
    """Where the demo root's private key is written (demo.root.key.pem), encrypted."""
    return pkcs12_path.with_suffix(".root.key.pem")


def make_demo_certificate(
    path: Path,
    passphrase: str,
    *,
    common_name: str = DEFAULT_COMMON_NAME,
    org: str = DEFAULT_ORG,
    force: bool = False,
) -> None:
    """Write a PKCS#12 (key, signing certificate, root) to `path` and the root PEM beside it.

    Does nothing when `path` exists, unless `force`.
    """
    path = Path(path)
    if path.exists() and not force:
        return
    for label, value in (("Nom commun", common_name), ("Organisation", org)):
        if not 1 <= len(value) <= NAME_MAX_LENGTH:
            raise ValueError(
                f"{label} du certificat : de 1 à {NAME_MAX_LENGTH} caractères (RFC 5280), "
                f"« {value} » en compte {len(value)}"
            )
    now = dt.datetime.now(dt.UTC)
    not_before, not_after = now - BACKDATE, now + VALIDITY

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = _name(ROOT_COMMON_NAME, org)
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, org))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # PAdES validators (pyHanko included) require non-repudiation on the signer.
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )

    bundle = pkcs12.serialize_key_and_certificates(
        name=common_name.encode(),
        key=key,
        cert=cert,
        cas=[root_cert],
        encryption_algorithm=_encryption(passphrase),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, bundle, mode=0o600)  # it holds the private key
    root_key_pem = root_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(passphrase)
    )
    _write_atomically(root_key_path(path), root_key_pem, mode=0o600)
    _write_atomically(
        root_pem_path(path), root_cert.public_bytes(serialization.Encoding.PEM), mode=0o644
    )


def issue_personal_certificate(
    authority: Path,
    authority_passphrase: str,
    *,
    common_name: str,
    org: str = DEFAULT_ORG,
    passphrase: str,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    signing_usage: bool = True,
) -> bytes:
    """A PKCS#12 (key, certificate naming `common_name`, root) issued by the demo authority
    whose PKCS#12 is `authority`, encrypted under `passphrase` (none when empty).

    `not_before`, `not_after` and `signing_usage` let tests make unusable certificates.
    """
    authority = Path(authority)
    try:
        root_cert = x509.load_pem_x509_certificate(root_pem_path(authority).read_bytes())
        root_key = serialization.load_pem_private_key(
            root_key_path(authority).read_bytes(), password=authority_passphrase.encode() or None
        )
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(
            f"Autorité de démonstration inutilisable ({authority}) : relancez "
            "make_demo_certificate --force."
        ) from exc
    assert isinstance(root_key, rsa.RSAPrivateKey)
    now = dt.datetime.now(dt.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    usage = _key_usage(cert_sign=False)
    if not signing_usage:  # an encryption-only certificate, which must not sign
        usage = x509.KeyUsage(False, False, True, True, False, False, False, False, False)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name[:NAME_MAX_LENGTH], org[:NAME_MAX_LENGTH]))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - BACKDATE)
        .not_valid_after(not_after or now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode(),
        key=key,
        cert=cert,
        cas=[root_cert],
        encryption_algorithm=_encryption(passphrase),
    )


def _encryption(passphrase: str) -> serialization.KeySerializationEncryption:
    if passphrase:
        return serialization.BestAvailableEncryption(passphrase.encode())
    return serialization.NoEncryption()


def _name(common_name: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    # A reader (the signing code) never sees a half-written file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
