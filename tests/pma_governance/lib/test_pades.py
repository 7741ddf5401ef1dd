"""PAdES signing of the acts: what a signed PDF must prove, checked with pyHanko."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any, cast

import pytest
import time_machine
import weasyprint
from pypdf import PageObject, PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    StreamObject,
)

from pma_governance.lib.certificates import make_demo_certificate, root_pem_path
from pma_governance.lib.pades import (
    PARIS,
    Signatory,
    SignatureReport,
    SigningError,
    load_signer,
    sha256_hex,
    sign_pdf,
    signature_mention,
    validate_pdf,
)

PASSPHRASE = "secret-de-test"
PRESIDENT = Signatory(name="Alain Bavay", role="Le Président")
SECRETARY = Signatory(name="Corinne Laversin", role="La Secrétaire de séance")


@pytest.fixture(scope="module")
def pkcs12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test body's PKCS#12 (root authority + signing certificate), made once."""
    path = tmp_path_factory.mktemp("pki") / "test.p12"
    make_demo_certificate(path, PASSPHRASE)
    return path


@pytest.fixture(scope="module")
def unrelated_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("other-pki") / "other.p12"
    make_demo_certificate(path, "autre", common_name="Autre collectivité", org="Autre")
    return root_pem_path(path)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    """A two-page act: the signature blocks belong on the last page."""
    html = "<p>Délibération</p><p style='page-break-before: always'>Fait à Lens le 13 juin 2023</p>"
    return weasyprint.HTML(string=html).write_pdf()


def _sign(pdf: bytes, pkcs12: Path, signatory: Signatory, field: str, **kwargs: Any) -> bytes:
    return sign_pdf(
        pdf,
        signatory=signatory,
        field_name=field,
        pkcs12_path=str(pkcs12),
        passphrase=PASSPHRASE,
        **kwargs,
    )


@pytest.fixture(scope="module")
def signed_once(pdf: bytes, pkcs12: Path) -> bytes:
    return _sign(pdf, pkcs12, PRESIDENT, "president", location="Lens")


@pytest.fixture(scope="module")
def signed_twice(signed_once: bytes, pkcs12: Path) -> bytes:
    return _sign(signed_once, pkcs12, SECRETARY, "secretaire")


def _validate(pdf: bytes, pkcs12: Path) -> list[SignatureReport]:
    return validate_pdf(pdf, trust_roots=[root_pem_path(pkcs12)])


def _flip_byte_in_first_stream(data: bytes) -> bytes:
    match = re.search(rb"\bstream\r?\n", data)
    assert match is not None
    flipped = bytearray(data)
    flipped[match.end() + 10] ^= 0x01
    return bytes(flipped)


def _widgets(page: PageObject) -> dict[str, DictionaryObject]:
    """Field name → signature widget of a page."""
    annots = cast(ArrayObject, page.get("/Annots", ArrayObject()))
    return {
        str(widget["/T"]): widget
        for widget in (cast(DictionaryObject, ref.get_object()) for ref in annots)
    }


def _rect(widget: DictionaryObject) -> list[float]:
    return [float(v) for v in cast(ArrayObject, widget["/Rect"])]


def _stamp_texts(pdf: bytes) -> dict[str, str]:
    """Field name → the text drawn in its visible signature block, as a reader shows it."""
    reader = PdfReader(io.BytesIO(pdf))
    texts = {}
    for name, widget in _widgets(reader.pages[-1]).items():
        appearance = cast(StreamObject, cast(DictionaryObject, widget["/AP"])["/N"].get_object())
        # The appearance drawn alone on a page, so that pypdf reads it through the font's
        # /ToUnicode map (the embedded font's text is glyph ids, not characters).
        page = PageObject.create_blank_page(reader, 300, 100)
        page[NameObject("/Resources")] = appearance["/Resources"]
        page.replace_contents(cast(EncodedStreamObject, appearance))
        texts[name] = page.extract_text().strip()
    return texts


def test_a_signed_act_is_intact_valid_trusted_and_covers_the_whole_file(
    pdf: bytes, signed_once: bytes, pkcs12: Path
) -> None:
    [report] = _validate(signed_once, pkcs12)

    assert (report.intact, report.valid, report.trusted, report.covers_whole_file) == (
        True,
        True,
        True,
        True,
    )
    assert report.ok
    assert report.field_name == "president"
    assert report.signer_name == "Alain Bavay"
    assert "Pôle Métropolitain de l'Artois" in report.certificate_subject
    assert report.signed_at is not None
    assert abs(report.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    # An incremental revision: the document as rendered is still there, byte for byte.
    assert signed_once.startswith(pdf)


def test_the_secretary_signing_after_the_president_keeps_both_signatures_valid(
    signed_once: bytes, signed_twice: bytes, pkcs12: Path
) -> None:
    president, secretary = _validate(signed_twice, pkcs12)

    assert [president.field_name, secretary.field_name] == ["president", "secretaire"]
    assert [president.signer_name, secretary.signer_name] == ["Alain Bavay", "Corinne Laversin"]
    for report in (president, secretary):
        assert report.intact and report.valid and report.trusted and report.ok
    # pyHanko: the president's signature covers its own revision, and what follows it
    # only fills a form field (the secretary's signature).
    assert (president.coverage, president.modification_level) == (
        "ENTIRE_REVISION",
        "FORM_FILLING",
    )
    assert not president.covers_whole_file
    assert secretary.covers_whole_file
    assert signed_twice.startswith(signed_once)


@pytest.mark.parametrize("fixture", ["signed_once", "signed_twice"])
def test_changing_one_signed_byte_is_detected(
    fixture: str, pkcs12: Path, request: pytest.FixtureRequest
) -> None:
    tampered = _flip_byte_in_first_stream(request.getfixturevalue(fixture))

    reports = _validate(tampered, pkcs12)

    assert reports
    assert not any(report.intact for report in reports)
    assert not any(report.ok for report in reports)


def test_a_certificate_from_another_authority_is_not_trusted(
    signed_once: bytes, unrelated_root: Path
) -> None:
    [report] = validate_pdf(signed_once, trust_roots=[unrelated_root])

    assert report.intact and report.valid
    assert not report.trusted
    assert not report.ok


def test_trust_roots_may_be_given_as_pem_bytes(signed_once: bytes, pkcs12: Path) -> None:
    [report] = validate_pdf(signed_once, trust_roots=[root_pem_path(pkcs12).read_bytes()])

    assert report.trusted


def test_a_wrong_passphrase_is_refused_in_french(pdf: bytes, pkcs12: Path) -> None:
    with pytest.raises(SigningError, match="Phrase secrète du certificat incorrecte"):
        load_signer(str(pkcs12), "pas-la-bonne")
    with pytest.raises(SigningError, match="Phrase secrète du certificat incorrecte"):
        sign_pdf(
            pdf,
            signatory=PRESIDENT,
            field_name="president",
            pkcs12_path=str(pkcs12),
            passphrase="pas-la-bonne",
        )


def test_a_missing_certificate_is_refused_in_french(pdf: bytes, tmp_path: Path) -> None:
    absent = tmp_path / "absent.p12"

    with pytest.raises(SigningError, match=r"Certificat de signature introuvable : .*absent\.p12"):
        sign_pdf(
            pdf,
            signatory=PRESIDENT,
            field_name="president",
            pkcs12_path=str(absent),
            passphrase=PASSPHRASE,
        )


def test_a_signature_field_is_signed_only_once(signed_once: bytes, pkcs12: Path) -> None:
    with pytest.raises(SigningError, match="« president » est déjà signé"):
        _sign(signed_once, pkcs12, PRESIDENT, "president")


def test_a_missing_page_or_a_file_that_is_no_pdf_is_refused_in_french(
    pdf: bytes, pkcs12: Path
) -> None:
    with pytest.raises(SigningError, match="n'a pas de page 5"):
        _sign(pdf, pkcs12, PRESIDENT, "president", page=5)
    with pytest.raises(SigningError, match="n'est pas un PDF lisible"):
        _sign(b"pas un PDF", pkcs12, PRESIDENT, "president")


def test_the_visible_block_names_the_signatory_role_and_paris_time(
    pdf: bytes, pkcs12: Path
) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 13, 16, 5, tzinfo=PARIS), tick=False):
        signed = _sign(pdf, pkcs12, PRESIDENT, "president")

    assert _stamp_texts(signed) == {
        "president": "Signé électroniquement par\nAlain Bavay, Le Président,\nle 13/06/2023 à 16:05"
    }


def test_the_visible_block_draws_typographic_apostrophes_as_written(
    pdf: bytes, pkcs12: Path
) -> None:
    # The stamp's embedded font draws « ’ » and « Œ »: no more ASCII stand-ins.
    vice = Signatory(name="Œdipe N’Guessan", role="Le Vice-président")

    signed = _sign(pdf, pkcs12, vice, "vice_president")

    assert "Œdipe N’Guessan, Le Vice-président," in _stamp_texts(signed)["vice_president"]
    assert validate_pdf(signed, trust_roots=[root_pem_path(pkcs12)])[0].signer_name == (
        "Œdipe N’Guessan"
    )


def test_both_blocks_sit_side_by_side_on_the_last_page(signed_twice: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed_twice))
    first, last = reader.pages[0], reader.pages[-1]
    widgets = _widgets(last)

    assert "/Annots" not in first
    assert set(widgets) == {"president", "secretaire"}
    assert "Corinne Laversin, La Secrétaire de séance," in _stamp_texts(signed_twice)["secretaire"]
    left, right = _rect(widgets["president"]), _rect(widgets["secretaire"])
    width, height = float(last.mediabox.width), float(last.mediabox.height)
    for x1, y1, x2, y2 in (left, right):
        assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height / 4  # visible, at the foot
    assert left[2] <= right[0]  # president on the left, no overlap


def test_the_stamp_font_is_embedded_and_producers_agree(signed_twice: bytes) -> None:
    # PDF/A: a font drawn by a stamp is embedded; Info and XMP name the same producer.
    reader = PdfReader(io.BytesIO(signed_twice))
    for widget in _widgets(reader.pages[-1]).values():
        appearance = cast(DictionaryObject, widget["/AP"])["/N"].get_object()
        fonts = _appearance_fonts(appearance)
        assert fonts
        for font in fonts:
            assert font["/Subtype"] == "/Type0"
            [descendant] = cast(ArrayObject, font["/DescendantFonts"])
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            assert {"/FontFile2", "/FontFile3"} & set(descriptor), descriptor
            assert "SourceSansPro" in str(font["/BaseFont"])
    pdf = weasyprint.HTML(string="<p>Acte</p>").write_pdf(pdf_variant="pdf/a-3b")
    assert pdf is not None


def _appearance_fonts(form: Any) -> list[DictionaryObject]:
    resources = form.get("/Resources", {})
    fonts = [f.get_object() for f in resources.get("/Font", {}).values()]
    for xobject in resources.get("/XObject", {}).values():
        fonts += _appearance_fonts(xobject.get_object())
    return fonts


def test_the_stamp_goes_into_the_block_the_document_reserves(pdf: bytes, pkcs12: Path) -> None:
    html = (
        "<p>Délibération</p><div id='signature-president' style='margin-left: 100px; "
        "width: 200px; height: 80px; position: relative'><span id='signature-president-end' "
        "style='position: absolute; right: 0; bottom: 0'></span></div>"
        "<p style='page-break-before: always'>Annexe</p>"
    )
    reserved = weasyprint.HTML(string=html).write_pdf()
    assert reserved is not None

    signed = _sign(reserved, pkcs12, PRESIDENT, "president")

    reader = PdfReader(io.BytesIO(signed))
    assert "/Annots" not in reader.pages[-1]  # on the block's page, not the last one
    x1, y1, x2, y2 = _rect(_widgets(reader.pages[0])["president"])
    # Page margin 56.25 pt + body margin 6 pt + 75 pt; 200 × 80 px = 150 × 60 pt, rounded in.
    assert (x1, x2, y2 - y1) == (138, 287, 59)


def test_an_explicit_box_places_the_block(pdf: bytes, pkcs12: Path) -> None:
    signed = _sign(pdf, pkcs12, PRESIDENT, "president", box=(300, 400, 550, 460), page=0)
    [widget] = _widgets(PdfReader(io.BytesIO(signed)).pages[0]).values()

    assert _rect(widget) == [300, 400, 550, 460]


def test_certificate_and_trust_default_to_the_settings(
    pdf: bytes, pkcs12: Path, settings: Any
) -> None:
    settings.SIGNING_PKCS12_PATH = str(pkcs12)
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE

    [report] = validate_pdf(sign_pdf(pdf, signatory=PRESIDENT, field_name="president"))

    assert report.trusted and report.ok


def test_without_a_configured_certificate_nothing_is_trusted(
    signed_once: bytes, tmp_path: Path, settings: Any
) -> None:
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "absent.p12")

    [report] = validate_pdf(signed_once)

    assert report.intact and not report.trusted


def test_an_unsigned_pdf_has_no_signature(pdf: bytes) -> None:
    assert validate_pdf(pdf, trust_roots=[]) == []


def test_mention_is_in_paris_time() -> None:
    utc = dt.datetime(2023, 1, 5, 8, 30, tzinfo=dt.UTC)

    assert signature_mention(PRESIDENT, utc).endswith("le 05/01/2023 à 09:30")


def test_sha256_hex() -> None:
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
