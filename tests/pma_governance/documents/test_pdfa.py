"""PDF/A and accessibility, read back from the PDFs: every font embedded (the signature
stamps' too), XMP and Info in agreement, a tagged document in French, and the stamps inside
the signature blocks, clear of the running header and footer.

veraPDF (Java) is not available here: these are the structural checks it would start with.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject

from deliberations.models import Deliberation, SignedDocument
from meetings.models import Session
from pma_governance.documents.catalog import document_pdf
from pma_governance.documents.consents import deliberation_sign, pv_sign
from pma_governance.lib.certificates import root_pem_path
from pma_governance.lib.pades import validate_pdf
from tests.signatories import Signatories

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
# print.css: @page { margin: 24mm 20mm 22mm 22mm } — the header and footer live in these.
TOP, RIGHT, BOTTOM, LEFT = 24 * MM, 20 * MM, 22 * MM, 22 * MM


@pytest.fixture
def signed(
    seed_session: Session, signatories: Callable[[Session], Signatories]
) -> dict[str, bytes]:
    hands = signatories(seed_session)._asdict()
    act = deliberation_sign(deliberation=Deliberation.objects.get(number="2023/PMA00192"), **hands)
    minutes = pv_sign(pv=seed_session.pv, **hands)
    return {
        kind: bytes(SignedDocument.objects.get(pk=document.pk).pdf)
        for kind, document in (("deliberation", act), ("pv", minutes))
    }


@pytest.fixture
def unsigned(seed_session: Session) -> dict[str, bytes]:
    return {
        "pv": document_pdf("pv", session=seed_session),
        "convocation": document_pdf("convocation", session=seed_session),
        "liste": document_pdf("liste", session=seed_session),
    }


def _fonts(resources: Any, seen: set[int]) -> Iterator[DictionaryObject]:
    """Every font of a resource dictionary and of the forms (XObjects) it draws."""
    resources = resources.get_object() if resources is not None else {}
    for font in cast(DictionaryObject, resources.get("/Font", {})).values():
        yield cast(DictionaryObject, font.get_object())
    for xobject in cast(DictionaryObject, resources.get("/XObject", {})).values():
        if xobject.idnum in seen:
            continue
        seen.add(xobject.idnum)
        form = xobject.get_object()
        if form.get("/Subtype") == "/Form":
            yield from _fonts(form.get("/Resources"), seen)


def _all_fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    """The fonts of every page, and of every annotation's appearance (the stamps)."""
    seen: set[int] = set()
    for page in reader.pages:
        yield from _fonts(page.get("/Resources"), seen)
        for annot in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            appearance = cast(DictionaryObject, annot.get_object().get("/AP", {}))
            normal = appearance.get("/N")
            if normal is not None:
                yield from _fonts(normal.get_object().get("/Resources"), seen)


def _is_embedded(font: DictionaryObject) -> bool:
    if font["/Subtype"] == "/Type3":
        return True  # drawn by its own glyph procedures
    if font["/Subtype"] == "/Type0":
        font = cast(DictionaryObject, font["/DescendantFonts"][0].get_object())  # type: ignore[index]
    descriptor = cast(DictionaryObject, font["/FontDescriptor"].get_object())
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _check_pdfa(pdf: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = list(_all_fonts(reader))
    assert fonts
    assert all(_is_embedded(font) for font in fonts), [
        font.get("/BaseFont") for font in fonts if not _is_embedded(font)
    ]
    catalog = cast(DictionaryObject, reader.trailer["/Root"].get_object())
    assert catalog["/Lang"] == "fr"
    assert cast(DictionaryObject, catalog["/MarkInfo"])["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in catalog
    xmp, info = reader.xmp_metadata, reader.metadata
    assert xmp is not None and info is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B")  # type: ignore[attr-defined]
    assert xmp.pdf_producer == info.producer
    assert xmp.xmp_creator_tool == info.creator == "PMA Governance"
    assert xmp.dc_title == {"x-default": info.title}
    assert xmp.dc_creator == [info.author]
    return reader


def test_unsigned_documents_are_tagged_pdfa_with_every_font_embedded(
    unsigned: dict[str, bytes],
) -> None:
    for kind, pdf in unsigned.items():
        reader = _check_pdfa(pdf)
        assert reader.metadata is not None and reader.metadata.producer, kind


def test_signed_acts_stay_pdfa_and_their_stamps_embed_their_font(
    signed: dict[str, bytes], signing_certificate: Path
) -> None:
    for kind, pdf in signed.items():
        reader = _check_pdfa(pdf)
        stamps = [
            annot.get_object()
            for page in reader.pages
            for annot in cast(ArrayObject, page.get("/Annots", ArrayObject()))
        ]
        assert len(stamps) == 2, kind
        reports = validate_pdf(pdf, trust_roots=[root_pem_path(signing_certificate)])
        assert [(r.field_name, r.ok) for r in reports] == [
            ("president", True),
            ("secretaire", True),
        ]
        assert reports[-1].covers_whole_file
        assert (reports[0].coverage, reports[0].modification_level) == (
            "ENTIRE_REVISION",
            "FORM_FILLING",
        )


def _reserved_block(reader: PdfReader, field: str) -> tuple[int, list[float]]:
    """The page and the rectangle of the block the template reserves for `field`."""
    corners = reader.named_destinations
    top_left, bottom_right = corners[f"signature-{field}"], corners[f"signature-{field}-end"]
    page = reader.get_destination_page_number(top_left)
    assert page is not None and page == reader.get_destination_page_number(bottom_right)
    x1, y2 = float(top_left.left), float(top_left.top)  # type: ignore[arg-type]
    x2, y1 = float(bottom_right.left), float(bottom_right.top)  # type: ignore[arg-type]
    return page, [x1, y1, x2, y2]


def test_each_stamp_sits_in_its_signature_block_clear_of_header_and_footer(
    signed: dict[str, bytes],
) -> None:
    for kind, pdf in signed.items():
        reader = PdfReader(io.BytesIO(pdf))
        for field in ("president", "secretaire"):
            page_number, block = _reserved_block(reader, field)
            page = reader.pages[page_number]
            [widget] = [
                annot.get_object()
                for annot in cast(ArrayObject, page.get("/Annots", ArrayObject()))
                if annot.get_object()["/T"] == field
            ]
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            # Inside the block: the stamp covers it up to rounding inwards.
            assert block[0] <= x1 < x2 <= block[2] and block[1] <= y1 < y2 <= block[3]
            assert x2 - x1 >= block[2] - block[0] - 2 and y2 - y1 >= block[3] - block[1] - 2
            # Never over the running header (top margin) or footer (bottom margin).
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert x1 >= LEFT and x2 <= width - RIGHT, (kind, field)
            assert y1 >= BOTTOM and y2 <= height - TOP, (kind, field)
        president = _reserved_block(reader, "president")[1]
        secretary = _reserved_block(reader, "secretaire")[1]
        assert president[2] <= secretary[0]  # side by side, president on the left
