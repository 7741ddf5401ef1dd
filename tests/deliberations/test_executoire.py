"""The stamped copy (copie exécutoire) of a signed deliberation: made once the accusé de
réception and the publication are both recorded, beside the signed original, which never
changes; every signature of the copy validates (pyHanko) and its stamp reads back."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf.generic import ArrayObject

from deliberations.executoire import FALLBACK_BOX, stamped_copy
from deliberations.models import Deliberation, SignedDocument
from deliberations.storage import get_signed
from meetings.models import Session
from pma_governance.documents.consents import deliberation_sign
from pma_governance.lib.certificates import root_pem_path
from pma_governance.lib.pades import sha256_hex, validate_pdf
from pma_governance.prefecture.services import prefecture_record_ack, prefecture_record_sent
from pma_governance.publication.services import deliberation_publish
from tests.factories import login_as
from tests.pdf_stamps import assert_sealed_copy, stamp_text

# The PDF/A checks of the signed documents, applied to the copy as well.
from tests.pma_governance.documents.test_pdfa import (
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    _check_pdfa,
    _reserved_block,
)
from tests.pma_governance.prefecture.helpers import sign as sign_with_stand_in_pdf
from tests.signatories import Signatories

pytestmark = pytest.mark.django_db

NUMBER = "2023/PMA00192"
IDENTIFIER = "062-200060358-20230613-2023_PMA00192-DE"
# The act is signed today (the demo certificate is valid from today): sent today, received
# in two days, published in three, recorded on that day (`later`).
SENT = timezone.localdate()
RECEIVED, PUBLISHED = SENT + dt.timedelta(days=2), SENT + dt.timedelta(days=3)
R, P = f"{RECEIVED:%d/%m/%Y}", f"{PUBLISHED:%d/%m/%Y}"
STAMP = (
    f"Reçu en préfecture le {R}, identifiant {IDENTIFIER} ; publié le {P}\n"
    f"Acte rendu exécutoire après transmission en préfecture le {R} et publication le {P}"
)
COPY_LABEL = f"Copie exécutoire tamponnée : reçue en préfecture le {R}, publiée le {P}"
ORIGINAL_LABEL = "Original signé électroniquement (fait foi)"


def _unacknowledged(session: Session) -> Deliberation:
    """The seed's act, voted, without the acknowledgement the seed records."""
    Deliberation.objects.filter(number=NUMBER).update(
        prefecture_received_on=None, prefecture_identifier=""
    )
    return Deliberation.objects.get(number=NUMBER)


def _later() -> time_machine.travel:
    """The day of publication, when the accusé and the publication are recorded."""
    noon = dt.datetime.combine(PUBLISHED, dt.time(12), tzinfo=timezone.get_current_timezone())
    return time_machine.travel(noon, tick=True)


@pytest.fixture
def signed(
    seed_session: Session,
    signatories: Callable[[Session], Signatories],
    signing_certificate: Path,
) -> Iterator[Deliberation]:
    """2023/PMA00192 signed for real (PAdES, president then secretary) and sent today; the
    test then runs on the day of publication."""
    act = _unacknowledged(seed_session)
    deliberation_sign(deliberation=act, **signatories(seed_session)._asdict())
    act = prefecture_record_sent(deliberation=act, sent_on=SENT)
    with _later():
        yield act


def _acknowledge(act: Deliberation) -> Deliberation:
    return prefecture_record_ack(deliberation=act, received_on=RECEIVED, identifier=IDENTIFIER)


def _publish(act: Deliberation) -> Deliberation:
    return deliberation_publish(deliberation=act, published_on=PUBLISHED)


def _original(act: Deliberation) -> SignedDocument:
    original = get_signed("deliberation", deliberation=act)
    assert original is not None
    return original


def _copy(act: Deliberation) -> bytes:
    copy = stamped_copy(act)
    assert copy is not None
    return bytes(copy.pdf)


def test_no_copy_before_both_the_acknowledgement_and_the_publication(
    signed: Deliberation,
) -> None:
    acknowledged = _acknowledge(signed)
    assert stamped_copy(acknowledged) is None

    published = _publish(acknowledged)

    assert stamped_copy(published) is not None


def test_publishing_first_then_acknowledging_makes_the_copy_at_the_acknowledgement(
    signed: Deliberation,
) -> None:
    published = _publish(signed)
    assert stamped_copy(published) is None

    _acknowledge(published)

    assert stamped_copy(published) is not None


def test_the_copy_keeps_the_original_and_every_signature_and_states_the_dates(
    signed: Deliberation, signing_certificate: Path
) -> None:
    original = _original(signed)
    before = bytes(original.pdf)

    act = _publish(_acknowledge(signed))
    copy = _copy(act)

    # The original is untouched: same row, same bytes, same SHA-256.
    after = _original(act)
    assert (after.pk, bytes(after.pdf), after.sha256) == (original.pk, before, sha256_hex(before))
    stored = stamped_copy(act)
    assert stored is not None and stored.sha256 == sha256_hex(copy)
    # An incremental revision of the signed PDF: both signatures still valid, then the seal.
    assert_sealed_copy(copy, before, root_pem_path(signing_certificate))
    assert stamp_text(copy, "executoire") == STAMP
    assert "Reçu en préfecture" not in stamp_text(before, "president")


def test_the_copy_stays_pdfa_with_its_stamp_on_the_first_page_in_the_reserved_space(
    signed: Deliberation,
) -> None:
    copy = _copy(_publish(_acknowledge(signed)))

    reader = _check_pdfa(copy)
    page_number, block = _reserved_block(reader, "executoire")
    assert page_number == 0
    page = reader.pages[0]
    [stamp] = [
        annot.get_object()
        for annot in cast(ArrayObject, page.get("/Annots", ArrayObject()))
        if annot.get_object()["/T"] == "executoire"
    ]
    x1, y1, x2, y2 = (float(v) for v in stamp["/Rect"])
    assert block[0] <= x1 < x2 <= block[2] and block[1] <= y1 < y2 <= block[3]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert x1 >= LEFT and x2 <= width - RIGHT and y1 >= BOTTOM and y2 <= height - TOP
    # The space is blank in the original: the stamp covers no text of the act.
    heading_and_text = page.extract_text()
    assert "Reçu en préfecture" not in heading_and_text


def test_the_fallback_box_sits_above_the_running_header_of_an_a4_page() -> None:
    mm = 72 / 25.4
    x1, y1, x2, y2 = FALLBACK_BOX
    assert 22 * mm - 1 <= x1 < x2 <= 595.28 - 20 * mm + 1
    # Between 5 mm and 17 mm from the top edge: the header's text is lower, in the 24 mm
    # margin's bottom (print.css), the page's edge higher.
    assert 841.89 - 17 * mm - 1 <= y1 < y2 <= 841.89 - 5 * mm + 1


def test_the_acknowledgement_a_copy_states_can_no_longer_change(signed: Deliberation) -> None:
    act = _publish(_acknowledge(signed))
    copy = stamped_copy(act)

    with pytest.raises(ValidationError, match="copie exécutoire tamponnée porte déjà"):
        prefecture_record_ack(deliberation=act, received_on=SENT, identifier=IDENTIFIER)
    # The same acknowledgement typed again changes nothing, and makes no second copy.
    _acknowledge(act)
    act.refresh_from_db()
    assert act.prefecture_received_on == RECEIVED
    assert list(SignedDocument.objects.filter(kind="executoire")) == [copy]


def test_a_copy_that_cannot_be_made_leaves_the_recorded_facts_and_says_why(
    seed_session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    """A stand-in PDF cannot be sealed: the publication is recorded all the same."""
    act = sign_with_stand_in_pdf(_unacknowledged(seed_session))
    prefecture_record_sent(deliberation=act, sent_on=SENT)
    with _later(), caplog.at_level(logging.WARNING, logger="deliberations.executoire"):
        _acknowledge(act)
        published = _publish(act)

    published.refresh_from_db()
    assert (published.status, published.published_on) == ("published", PUBLISHED)
    assert stamped_copy(published) is None
    assert "Copie exécutoire non produite" in caplog.text
    assert NUMBER in caplog.text


def _run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("make_stamped_copies", *args, stdout=out)
    return out.getvalue()


def test_the_command_makes_the_missing_copies_once(
    signed: Deliberation, signing_certificate: Path
) -> None:
    # Acknowledged and published before stamped copies existed: no copy yet.
    Deliberation.objects.filter(pk=signed.pk).update(
        prefecture_received_on=RECEIVED,
        prefecture_identifier=IDENTIFIER,
        status="published",
        published_on=PUBLISHED,
    )
    assert stamped_copy(signed) is None

    first = _run_command("--body", "PMA")
    second = _run_command()

    assert f"Copie exécutoire produite : délibération n° {NUMBER}" in first
    assert "1 copie(s) exécutoire(s) produite(s)." in first
    assert "0 copie(s) exécutoire(s) produite(s)." in second
    assert SignedDocument.objects.filter(kind="executoire").count() == 1
    assert stamp_text(_copy(signed), "executoire") == STAMP
    reports = validate_pdf(_copy(signed), trust_roots=[root_pem_path(signing_certificate)])
    assert all(r.ok for r in reports) and len(reports) == 3


def _get(client: Client, url: str, method: str = "get") -> Any:
    return getattr(client, method)(url)


def test_the_public_page_offers_both_documents_labelled_and_says_which_is_which(
    signed: Deliberation,
) -> None:
    act = _publish(_acknowledge(signed))
    anonymous = Client()
    page = anonymous.get(reverse("public:deliberation", args=["PMA", "2023-PMA00192"]))
    original_url = reverse("public:deliberation_pdf", args=["PMA", act.pk])
    copy_url = reverse("public:deliberation_executoire_pdf", args=["PMA", act.pk])

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{original_url}">{ORIGINAL_LABEL} (PDF)</a>' in html
    assert f'href="{copy_url}">{COPY_LABEL} (PDF)</a>' in html
    assert "L'original signé électroniquement fait foi et ne change jamais" in html
    for method in ("get", "head"):
        original = _get(anonymous, original_url, method)
        copy = _get(anonymous, copy_url, method)
        assert (original.status_code, copy.status_code) == (200, 200)
        assert copy["ETag"] == f'"{sha256_hex(_copy(act))}"'
        assert original["ETag"] == f'"{_original(act).sha256}"'
    assert anonymous.get(copy_url).content == _copy(act)
    assert anonymous.get(original_url).content == bytes(_original(act).pdf)
    assert "executoire.pdf" in anonymous.get(copy_url)["Content-Disposition"]


def test_anonymous_access_to_the_copy_follows_the_original(signed: Deliberation) -> None:
    anonymous = Client()
    copy_url = reverse("public:deliberation_executoire_pdf", args=["PMA", signed.pk])
    original_url = reverse("public:deliberation_pdf", args=["PMA", signed.pk])
    acknowledged = _acknowledge(signed)

    # Not published: neither the original nor a copy is public.
    assert anonymous.get(original_url).status_code == 404
    assert anonymous.get(copy_url).status_code == 404

    _publish(acknowledged)

    assert anonymous.get(original_url).status_code == 200
    assert anonymous.get(copy_url).status_code == 200
    for short_name, pk in (("XYZ", signed.pk), ("PMA", signed.pk + 999)):
        url = reverse("public:deliberation_executoire_pdf", args=[short_name, pk])
        assert anonymous.get(url).status_code == 404


def test_a_published_act_without_its_copy_offers_the_original_only(
    signed: Deliberation,
) -> None:
    act = _publish(signed)
    anonymous = Client()
    page = anonymous.get(reverse("public:deliberation", args=["PMA", "2023-PMA00192"]))

    html = page.content.decode()
    assert f"{ORIGINAL_LABEL} (PDF)" in html
    assert "Copie exécutoire tamponnée :" not in html
    copy_url = reverse("public:deliberation_executoire_pdf", args=["PMA", act.pk])
    assert anonymous.get(copy_url).status_code == 404


def test_the_secretariat_page_offers_both_documents_labelled(
    signed: Deliberation, client: Client
) -> None:
    act = _publish(_acknowledge(signed))
    login_as(client, "secretariat", act.body)

    page = client.get(reverse("deliberations:detail", args=[act.pk]))
    copy_url = reverse("deliberation_executoire_document", args=[act.pk])
    original_url = reverse("deliberation_document", args=[act.pk])

    html = page.content.decode()
    assert f'<a href="{original_url}">{ORIGINAL_LABEL}</a>' in html
    assert f'<a href="{copy_url}">{COPY_LABEL}</a>' in html
    for method in ("get", "head"):
        assert _get(client, copy_url, method).status_code == 200
    assert client.get(copy_url).content == _copy(act)
    assert client.get(original_url).content == bytes(_original(act).pdf)


def test_the_secretariat_gets_a_404_for_a_copy_not_made_yet(
    signed: Deliberation, client: Client
) -> None:
    login_as(client, "secretariat", signed.body)

    response = client.get(reverse("deliberation_executoire_document", args=[signed.pk]))

    assert response.status_code == 404
