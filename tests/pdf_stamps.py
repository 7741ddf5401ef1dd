"""Reading back a visible signature stamp, and what a sealed copy of a signed PDF proves."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, EncodedStreamObject, NameObject

from pma_governance.lib.pades import SignatureReport, validate_pdf


def stamp_text(pdf: bytes, field: str) -> str:
    """The text drawn in the appearance of the signature field `field`, on any page.

    The appearance is drawn alone on a blank page so that pypdf reads it through the
    embedded font's /ToUnicode map (its text is glyph ids, not characters).
    """
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for ref in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            widget = cast(DictionaryObject, ref.get_object())
            if widget.get("/T") != field:
                continue
            normal = cast(DictionaryObject, widget["/AP"])["/N"]
            appearance = cast(DictionaryObject, normal.get_object())
            blank = PageObject.create_blank_page(reader, 600, 200)
            blank[NameObject("/Resources")] = appearance["/Resources"]
            blank.replace_contents(cast(EncodedStreamObject, appearance))
            return blank.extract_text().strip()
    raise AssertionError(f"Aucun tampon « {field} » dans le PDF.")


def assert_sealed_copy(copy: bytes, original: bytes, root: Path) -> list[SignatureReport]:
    """`copy` is `original` plus one revision, the seal: the president's and the secretary's
    signatures still intact and valid (a later signature is FORM_FILLING to pyHanko), the
    seal covering the whole file."""
    assert copy.startswith(original)  # an incremental revision: the signed bytes are kept
    reports = validate_pdf(copy, trust_roots=[root])
    assert [(r.field_name, r.intact, r.valid, r.ok) for r in reports] == [
        ("president", True, True, True),
        ("secretaire", True, True, True),
        ("executoire", True, True, True),
    ]
    assert [r.modification_level for r in reports[:2]] == ["FORM_FILLING", "FORM_FILLING"]
    assert reports[2].covers_whole_file
    return reports
