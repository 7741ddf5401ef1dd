"""An élu answers a coming session from his space and gives a pouvoir; the holder sees it
in his own space; the mandant signs his procuration; the secretariat sees it all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from meetings.answers import answer_give
from meetings.models import AttendanceAnswer
from tests.browser.conftest import login, make_user, screenshot
from tests.factories import totp_device
from tests.meetings.answers_setup import make_assembly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_elu_gives_a_pouvoir_and_signs_his_procuration(
    live_server: object, new_page: Callable[[], Page], signing_certificate: Path
) -> None:
    assembly = make_assembly()
    session = assembly.session
    answer_give(session, assembly["Claire"], AttendanceAnswer.Answer.EXCUSED, by_secretariat=True)
    alice = make_user(assembly.body, "alice", "elu", mandate=assembly["Alice"])
    totp_device(alice)  # she logs in with her code: she may sign without a certificate
    make_user(assembly.body, "bernard", "elu", mandate=assembly["Bernard"])
    make_user(assembly.body, "secretariat")
    base = live_server.url  # type: ignore[attr-defined]

    elu = new_page()
    login(elu, base, "alice")
    elu.goto(f"{base}/espace/seances/{session.pk}/")
    panel = elu.get_by_test_id("answer-panel")
    expect(panel).to_contain_text("Vous n'avez pas encore indiqué si vous serez présente.")
    # Claire answered excused: she is not offered as a holder.
    holder = panel.get_by_label("Je donne pouvoir à", exact=True)
    expect(holder.locator("option", has_text="Claire Petit")).to_have_count(0)

    panel.get_by_label("Je serai absente et je donne pouvoir à un membre").check()
    panel.get_by_role("button", name="Enregistrer ma réponse").click()
    refused = elu.get_by_test_id("answer-refused")
    expect(refused).to_contain_text("Choisissez le membre à qui vous donnez pouvoir.")
    expect(elu.get_by_label("Je serai absente et je donne pouvoir à un membre")).to_be_checked()

    elu.get_by_label("Je donne pouvoir à", exact=True).select_option(
        value=str(assembly["Bernard"].pk)
    )
    elu.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(
        elu.get_by_text("Votre réponse est enregistrée : pouvoir à Bernard Durand.")
    ).to_be_visible()
    elu.get_by_role("button", name="Signer ma procuration").click()
    expect(elu.get_by_text("Votre procuration est signée.")).to_be_visible()
    expect(elu.get_by_test_id("my-procuration")).to_contain_text("Signée le")
    screenshot(elu, "elu-reponse-pouvoir")

    holder_page = new_page()
    login(holder_page, base, "bernard")
    holder_page.goto(f"{base}/espace/seances/{session.pk}/")
    held = holder_page.get_by_test_id("pouvoirs-held")
    expect(held).to_contain_text("Mme Alice Martin vous a donné pouvoir")
    expect(held.get_by_role("link", name="procuration signée (PDF)")).to_be_visible()
    screenshot(holder_page, "elu-pouvoir-recu")

    secretary = new_page()
    login(secretary, base, "secretariat")
    secretary.goto(f"{base}/seances/{session.pk}/")
    answers = secretary.get_by_test_id("answers")
    expect(answers).to_contain_text("Mme Alice Martin : absent, donne pouvoir à Bernard Durand")
    expect(answers).to_contain_text("Mme Claire Petit : absent et excusé formulaire papier")
    screenshot(secretary, "secretariat-reponses")
