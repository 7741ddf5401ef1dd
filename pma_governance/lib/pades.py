"""PAdES signing and validation of the acts' PDFs, with the body's PKCS#12 certificate.

Pure of Django models: bytes in, bytes out. Each signature is an incremental revision,
so the president's signature stays valid after the secretary signs; pyHanko then reports
the earlier one as covering its ENTIRE_REVISION, extended by FORM_FILLING (the new field).
No timestamp server is called (PAdES B-B): the signing time is the one the signer states.

PDF/A holds after signing: the stamp's font is embedded (a subset of the documents' Source
Sans Pro), the Info dictionary and the XMP name the same producer, and the stamp goes into
the block the document reserves for it (named destinations `signature-<field>` and
`signature-<field>-end`, the top-left and bottom-right corners), clear of header and footer.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

import font_source_sans_pro
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives import serialization
from pyhanko import stamp
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

__all__ = [
    "Signatory",
    "SignatureReport",
    "SigningError",
    "default_box",
    "load_signer",
    "personal_signer",
    "reserved_box",
    "seal_pdf",
    "sha256_hex",
    "sign_pdf",
    "signature_mention",
    "validate_pdf",
]

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_REASON = "Signature de l'acte"

# Default signature blocks: two columns in the bottom band of the page (president on the
# left, secretary on the right), further signatures stacked above. In PDF points.
_MARGIN_X, _BOTTOM, _GAP, _BLOCK_HEIGHT = 42, 28, 14, 60
_A4 = (0.0, 0.0, 595.0, 842.0)

# The documents' own font, embedded (as a subset) like every font of a PDF/A must be.
STAMP_FONT = Path(font_source_sans_pro.font_directory) / "SourceSansPro-Regular.ttf"
_STAMP_STYLE = stamp.TextStampStyle(
    stamp_text="%(mention)s",
    border_width=1,
    text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(STAMP_FONT), font_size=9)),
)

TrustRoot: TypeAlias = (
    asn1_x509.Certificate | pyca_x509.Certificate | bytes | str | os.PathLike[str]
)


class SigningError(Exception):
    """Signing (or reading a signed PDF) failed; the message is French, for the user."""


@dataclass(frozen=True)
class Signatory:
    """The person who signs, as the act names them (« Alain Bavay », « Le Président »)."""

    name: str
    role: str


@dataclass(frozen=True)
class SignatureReport:
    """What pyHanko found about one signature of a PDF."""

    field_name: str
    signer_name: str  # the signatory named in the signature, else the certificate holder
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature matches the certificate
    trusted: bool  # the certificate chains up to one of the trust roots
    covers_whole_file: bool  # nothing was appended after this signature
    signed_at: dt.datetime | None  # the time the signer states (no timestamp authority)
    certificate_subject: str = ""
    coverage: str = ""  # pyHanko's SignatureCoverageLevel name, e.g. "ENTIRE_REVISION"
    # What later revisions changed: "NONE", "FORM_FILLING" (e.g. another signature)…
    modification_level: str | None = None
    # pyHanko's bottom line: intact, valid, trusted and later revisions allowed.
    ok: bool = False


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signature_mention(signatory: Signatory, when: dt.datetime) -> str:
    """The visible block's text, one short line per fact so that it fits the box."""
    local = when.astimezone(PARIS)
    return (
        "Signé électroniquement par\n"
        f"{signatory.name}, {signatory.role},\n"
        f"le {local:%d/%m/%Y} à {local:%H:%M}"
    )


def load_signer(pkcs12_path: str, passphrase: str) -> signers.SimpleSigner:
    """The signer held in a PKCS#12 file; reloaded only when the file changes."""
    path = Path(pkcs12_path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise SigningError(f"Certificat de signature introuvable : {path}") from exc
    return _load_signer(str(path), passphrase, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_signer(path: str, passphrase: str, mtime_ns: int, size: int) -> signers.SimpleSigner:
    # mtime_ns and size are only cache keys: a replaced certificate is read again.
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningError(f"Certificat de signature introuvable : {path}") from exc
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=passphrase.encode() if passphrase else None
        )
    except (ValueError, TypeError) as exc:
        # cryptography tells a wrong passphrase and a damaged file apart in no way.
        raise SigningError(
            f"Phrase secrète du certificat incorrecte (ou fichier PKCS#12 illisible) : {path}"
        ) from exc


def personal_signer(pkcs12: bytes, passphrase: str) -> signers.SimpleSigner:
    """The signer held in a person's PKCS#12 (bytes), opened with the passphrase he types.

    The passphrase is used here and forgotten; no message repeats it.
    """
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            pkcs12, other_certs=(), passphrase=passphrase.encode() if passphrase else None
        )
    except (ValueError, TypeError) as exc:
        raise SigningError("Phrase secrète du certificat incorrecte : rien n'a été signé.") from exc


def _configured(pkcs12_path: str | None, passphrase: str | None) -> tuple[str, str]:
    if pkcs12_path is not None and passphrase is not None:
        return pkcs12_path, passphrase
    from django.conf import settings  # lazily: the module works without Django set up

    return (
        pkcs12_path if pkcs12_path is not None else str(settings.SIGNING_PKCS12_PATH),
        passphrase if passphrase is not None else str(settings.SIGNING_PKCS12_PASSPHRASE),
    )


def sign_pdf(
    pdf: bytes,
    *,
    signatory: Signatory,
    field_name: str,
    reason: str = DEFAULT_REASON,
    location: str = "",
    pkcs12_path: str | None = None,
    passphrase: str | None = None,
    box: tuple[int, int, int, int] | None = None,
    page: int = -1,
    signer: signers.Signer | None = None,
) -> bytes:
    """`pdf` with one more PAdES signature, in a new revision, with a visible block.

    `box` is (x1, y1, x2, y2) in PDF points from the bottom-left corner of `page`
    (default: the last page); without it the block goes where the document reserves it
    for `field_name` (`reserved_box`), else into the next free slot of `default_box`.
    `signer` (e.g. `personal_signer`, a person's own certificate) signs; without it, the
    PKCS#12 at `pkcs12_path`, by default settings.SIGNING_PKCS12_PATH/PASSPHRASE.
    """
    if signer is None:
        signer = load_signer(*_configured(pkcs12_path, passphrase))
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        page_count = int(writer.root["/Pages"]["/Count"])
    except (PdfError, KeyError, TypeError, ValueError) as exc:
        raise SigningError(f"Le document à signer n'est pas un PDF lisible : {exc}") from exc
    if not -page_count <= page < page_count:
        raise SigningError(f"Le document n'a pas de page {page} ({page_count} page(s)).")
    if any(fields.enumerate_sig_fields(writer, filled_status=True, with_name=field_name)):
        raise SigningError(f"Le champ de signature « {field_name} » est déjà signé.")
    try:
        if box is None:
            page, box = reserved_box(writer, field_name) or (page, default_box(writer, page))
        when = dt.datetime.now(PARIS)
        output = _sign_with_stamp(
            writer,
            signer,
            field_name=field_name,
            name=signatory.name,
            reason=reason,
            location=location,
            page=page,
            box=box,
            mention=signature_mention(signatory, when),
        )
    except (PdfError, PyHankoSigningError) as exc:
        raise SigningError(f"Signature impossible : {exc}") from exc
    return bytes(output.getbuffer())


def _sign_with_stamp(
    writer: IncrementalPdfFileWriter,
    signer: signers.Signer,
    *,
    field_name: str,
    name: str,
    reason: str,
    location: str,
    page: int,
    box: tuple[int, int, int, int],
    mention: str,
) -> Any:
    """One PAdES signature in a new revision, its visible stamp reading `mention` in the
    embedded font (PDF/A: Info and XMP producers aligned first). Both the signatories'
    signatures and the body's seal are made here."""
    _align_producer(writer)
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=field_name,
            name=name,
            reason=reason,
            location=location or None,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        ),
        signer=signer,
        stamp_style=_STAMP_STYLE,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=box),
    )
    return pdf_signer.sign_pdf(writer, appearance_text_params={"mention": mention})


def seal_pdf(
    pdf: bytes,
    *,
    mention: str,
    name: str,
    field_name: str,
    reason: str,
    location: str = "",
    fallback_box: tuple[int, int, int, int],
    fallback_page: int = 0,
    pkcs12_path: str | None = None,
    passphrase: str | None = None,
) -> bytes:
    """`pdf` sealed by the body: one more PAdES signature, in a new revision, whose visible
    stamp reads `mention` (the signatures already there stay valid: a signature added in
    an incremental revision is a change pyHanko accepts, where a plain annotation is not).

    The stamp goes where the document reserves it for `field_name` (`reserved_box`), else
    into `fallback_box` of `fallback_page` (documents made before the space was reserved).
    The certificate defaults to settings.SIGNING_PKCS12_PATH/PASSPHRASE: the body's own.
    """
    signer = load_signer(*_configured(pkcs12_path, passphrase))
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        if any(fields.enumerate_sig_fields(writer, filled_status=True, with_name=field_name)):
            raise SigningError(f"Le champ de signature « {field_name} » est déjà signé.")
        page, box = reserved_box(writer, field_name) or (fallback_page, fallback_box)
        output = _sign_with_stamp(
            writer,
            signer,
            field_name=field_name,
            name=name,
            reason=reason,
            location=location,
            page=page,
            box=box,
            mention=mention,
        )
    except (PdfError, PyHankoSigningError, KeyError, TypeError, ValueError) as exc:
        raise SigningError(f"Le document n'a pu être scellé : {exc}") from exc
    return bytes(output.getbuffer())


def default_box(writer: IncrementalPdfFileWriter, page: int = -1) -> tuple[int, int, int, int]:
    """The next free signature slot of `page`: bottom band, left then right, then upwards."""
    page_obj = writer.find_page_for_modification(page)[0].get_object()
    x1, y1, x2, _ = (float(v) for v in _media_box(page_obj))
    taken = sum(1 for _ in _signature_widgets(page_obj))
    row, column = divmod(taken, 2)
    width = (x2 - x1 - 2 * _MARGIN_X - _GAP) / 2
    left = x1 + _MARGIN_X + column * (width + _GAP)
    bottom = y1 + _BOTTOM + row * (_BLOCK_HEIGHT + _GAP)
    return (int(left), int(bottom), int(left + width), int(bottom + _BLOCK_HEIGHT))


def reserved_box(
    writer: IncrementalPdfFileWriter, field_name: str
) -> tuple[int, tuple[int, int, int, int]] | None:
    """The page and box the document reserves for `field_name`, or None when it has none.

    The two corners are named destinations (WeasyPrint writes one per HTML id); the box is
    rounded inwards so that the stamp never leaves the reserved space.
    """
    top_left = _destination(writer, f"signature-{field_name}")
    bottom_right = _destination(writer, f"signature-{field_name}-end")
    if top_left is None or bottom_right is None or top_left[0] != bottom_right[0]:
        return None
    page_ref, x1, y2 = top_left
    _, x2, y1 = bottom_right
    if not (x1 < x2 and y1 < y2):
        return None
    box = (math.ceil(x1), math.ceil(y1), math.floor(x2), math.floor(y2))
    page_count = int(writer.root["/Pages"]["/Count"])
    for index in range(page_count):
        if writer.find_page_for_modification(index)[0].idnum == page_ref:
            return index, box
    return None


def _destination(writer: IncrementalPdfFileWriter, name: str) -> tuple[int, float, float] | None:
    """(page object number, x, y) of a named /XYZ destination of the document."""
    names = writer.root.get("/Names")
    tree = names.get_object().get("/Dests") if names is not None else None
    dest = _name_tree_get(tree.get_object(), name) if tree is not None else None
    if dest is None:
        return None
    dest = dest.get_object()
    if isinstance(dest, generic.DictionaryObject):
        dest = dest["/D"]
    page_ref, kind, x, y = dest.raw_get(0), dest[1], dest[2], dest[3]
    if kind != "/XYZ" or not isinstance(page_ref, generic.IndirectObject):
        return None
    return page_ref.idnum, float(x), float(y)


def _name_tree_get(node: generic.DictionaryObject, name: str) -> Any:
    pairs = node.get("/Names", ())
    for index in range(0, len(pairs) - 1, 2):  # [key1 value1 key2 value2 …]
        if str(pairs[index]) == name:
            return pairs[index + 1]
    for kid in node.get("/Kids", ()):
        found = _name_tree_get(kid.get_object(), name)
        if found is not None:
            return found
    return None


def _align_producer(writer: IncrementalPdfFileWriter) -> None:
    """PDF/A: Info and XMP must agree, and pyHanko puts only its own name in the XMP."""
    try:
        info_ref = writer.trailer.raw_get("/Info")
    except KeyError:
        return
    info = info_ref.get_object()
    if info.get("/Producer") != VENDOR:
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)


def _media_box(page_obj: generic.DictionaryObject) -> Sequence[Any]:
    node: Any = page_obj
    while node is not None:  # /MediaBox may be inherited from the page tree
        if "/MediaBox" in node:
            return list(node["/MediaBox"])
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return _A4


def _signature_widgets(page_obj: generic.DictionaryObject) -> Iterator[Any]:
    for ref in page_obj.get("/Annots", ()):
        annot = ref.get_object()
        parent = annot.get("/Parent")
        field_type = annot.get("/FT") or (parent.get_object().get("/FT") if parent else None)
        if annot.get("/Subtype") == "/Widget" and field_type == "/Sig":
            yield annot


def validate_pdf(
    pdf: bytes, *, trust_roots: Sequence[TrustRoot] | None = None
) -> list[SignatureReport]:
    """One report per signature, in signing order; no network access.

    `trust_roots` (certificates, PEM/DER bytes or paths) default to the certificate
    authority of the configured PKCS#12 chain, or to nothing when it is missing.
    """
    roots = (
        [_as_certificate(root) for root in trust_roots]
        if trust_roots is not None
        else _configured_roots()
    )
    try:
        signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    except PdfError as exc:
        raise SigningError(f"Le document n'est pas un PDF lisible : {exc}") from exc
    # A ValidationContext accumulates state: one per signature.
    return [_report(sig, ValidationContext(trust_roots=roots)) for sig in signatures]


def _report(sig: EmbeddedPdfSignature, context: ValidationContext) -> SignatureReport:
    name = sig.sig_object.get("/Name")
    holder = ""
    try:
        holder = _common_name(sig.signer_cert)
        signer_name = str(name) if name else holder
        status = validate_pdf_signature(sig, context)
    except (SignatureValidationError, PdfError, ValueError):
        # A signature pyHanko cannot even evaluate is reported as broken, not raised.
        return SignatureReport(
            field_name=sig.field_name,
            signer_name=str(name) if name else holder,
            intact=False,
            valid=False,
            trusted=False,
            covers_whole_file=False,
            signed_at=None,
            certificate_subject=holder,
        )
    level = status.modification_level
    return SignatureReport(
        field_name=sig.field_name,
        signer_name=signer_name,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_at=status.signer_reported_dt,
        certificate_subject=holder,
        coverage=status.coverage.name if status.coverage else "",
        modification_level=level.name if level is not None else None,
        ok=status.bottom_line,
    )


def _common_name(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name", cert.subject.human_friendly))


def _as_certificate(root: TrustRoot) -> asn1_x509.Certificate:
    if isinstance(root, asn1_x509.Certificate):
        return root
    if isinstance(root, pyca_x509.Certificate):
        return asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
    if isinstance(root, bytes):
        if root.lstrip().startswith(b"-----BEGIN"):
            root = pyca_x509.load_pem_x509_certificate(root).public_bytes(
                serialization.Encoding.DER
            )
        return asn1_x509.Certificate.load(root)
    return load_cert_from_pemder(os.fspath(root))


def _configured_roots() -> list[asn1_x509.Certificate]:
    path, passphrase = _configured(None, None)
    if not Path(path).exists():
        return []
    chain = [cert for cert in load_signer(path, passphrase).cert_registry if cert.ca]
    # Trust the self-signed authority; a chain without one trusts every CA it carries.
    return [cert for cert in chain if cert.subject == cert.issuer] or chain
