"""The body's seal on a signed act (`seal_pdf`): the stamped copy keeps every signature valid."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast

import pytest
import weasyprint
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from pma_governance.lib.certificates import make_demo_certificate, root_pem_path
from pma_governance.lib.pades import (
    Signatory,
    SigningError,
    seal_pdf,
    sha256_hex,
    sign_pdf,
)
from tests.pdf_stamps import assert_sealed_copy, stamp_text

PASSPHRASE = "secret-du-sceau"
MENTION = "Reçu en préfecture le 19/06/2023\nActe rendu exécutoire"
FALLBACK = (60, 780, 540, 820)


@pytest.fixture(scope="module")
def pkcs12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pki-seal") / "seal.p12"
    make_demo_certificate(path, PASSPHRASE)
    return path


def _signed(html: str, pkcs12: Path) -> bytes:
    pdf = weasyprint.HTML(string=html).write_pdf()
    for name, field in (("Alain Bavay", "president"), ("Corinne Laversin", "secretaire")):
        pdf = sign_pdf(
            pdf,
            signatory=Signatory(name=name, role="Signataire"),
            field_name=field,
            pkcs12_path=str(pkcs12),
            passphrase=PASSPHRASE,
        )
    return pdf


def _seal(pdf: bytes, pkcs12: Path) -> bytes:
    return seal_pdf(
        pdf,
        mention=MENTION,
        name="Pôle Métropolitain de l'Artois",
        field_name="executoire",
        reason="Copie exécutoire",
        location="Lens",
        fallback_box=FALLBACK,
        pkcs12_path=str(pkcs12),
        passphrase=PASSPHRASE,
    )


def _widget(pdf: bytes, page: int, field: str) -> DictionaryObject:
    annots = cast(ArrayObject, PdfReader(io.BytesIO(pdf)).pages[page].get("/Annots", []))
    [widget] = [a.get_object() for a in annots if a.get_object()["/T"] == field]
    return cast(DictionaryObject, widget)


def _rect(pdf: bytes) -> list[float]:
    return [float(v) for v in cast(ArrayObject, _widget(pdf, 0, "executoire")["/Rect"])]


def test_the_seal_keeps_both_signatures_valid_and_leaves_the_signed_bytes_as_a_prefix(
    pkcs12: Path,
) -> None:
    signed = _signed("<p>Délibération</p>", pkcs12)
    original_hash = sha256_hex(signed)

    sealed = _seal(signed, pkcs12)

    assert sha256_hex(signed) == original_hash
    reports = assert_sealed_copy(sealed, signed, root_pem_path(pkcs12))
    assert reports[2].signer_name == "Pôle Métropolitain de l'Artois"
    assert stamp_text(sealed, "executoire") == MENTION


def test_the_seal_goes_into_the_space_the_document_reserves(pkcs12: Path) -> None:
    html = (
        "<p>Délibération</p><div id='signature-executoire' style='position: relative; "
        "height: 40pt; margin-left: 100pt; width: 300pt'><span id='signature-executoire-end' "
        "style='position: absolute; right: 0; bottom: 0'></span></div>"
        "<p style='page-break-before: always'>Fait à Lens</p>"
    )
    sealed = _seal(_signed(html, pkcs12), pkcs12)

    x1, y1, x2, y2 = _rect(sealed)
    assert (round(x2 - x1), round(y2 - y1)) in {(300, 40), (299, 39), (300, 39), (299, 40)}
    assert (x1, y1, x2, y2) != FALLBACK


def test_without_a_reserved_space_the_seal_goes_into_the_fallback_box(pkcs12: Path) -> None:
    sealed = _seal(_signed("<p>Délibération</p>", pkcs12), pkcs12)

    assert _rect(sealed) == list(FALLBACK)


def test_a_document_is_sealed_once(pkcs12: Path) -> None:
    sealed = _seal(_signed("<p>Délibération</p>", pkcs12), pkcs12)

    with pytest.raises(SigningError, match="déjà signé"):
        _seal(sealed, pkcs12)


def test_what_is_not_a_pdf_is_refused_in_french(pkcs12: Path) -> None:
    with pytest.raises(SigningError, match="n'a pu être scellé"):
        _seal(b"%PDF-1.7\n% not really\n%%EOF\n", pkcs12)
