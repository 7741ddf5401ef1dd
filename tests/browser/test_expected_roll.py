"""The secretariat sees the expected quorum, then opens the roll call pre-filled from the
answers, confirms it and records a vote."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from deliberations.models import Vote
from meetings.models import Attendance, AttendanceAnswer
from tests.browser.conftest import after_swap, login, make_user, screenshot
from tests.browser.test_accessibility import _report, _violations
from tests.conftest import Council

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Answer = AttendanceAnswer.Answer


def test_the_roll_opens_pre_filled_and_is_confirmed_before_the_vote(
    live_server: object, new_page: Callable[[], Page], council: Council
) -> None:
    session = council.session
    for name, kind, holder in (
        ("Alice", Answer.PRESENT, None),
        ("Bernard", Answer.PRESENT, None),
        ("Claire", Answer.PRESENT, None),
        ("David", Answer.PROXY, "Alice"),
    ):
        AttendanceAnswer.objects.create(
            session=session,
            mandate=council[name],
            answer=kind,
            holder=council[holder] if holder else None,
            answered_at=timezone.now(),
        )
    make_user(council.body, "secretariat")
    base = live_server.url  # type: ignore[attr-defined]
    page = new_page()
    login(page, base, "secretariat")

    page.goto(f"{base}/seances/{session.pk}/")
    panel = page.get_by_test_id("expected")
    expect(panel.get_by_test_id("expected-present")).to_have_text("3")
    expect(panel.get_by_test_id("expected-represented")).to_have_text("1")
    expect(panel.get_by_test_id("expected-unknown")).to_have_text("1")
    expect(panel.get_by_test_id("expected-verdict")).to_contain_text("Quorum assuré")
    expect(panel.get_by_test_id("expected-answers")).to_contain_text(
        "Absent, donne pouvoir à Alice Martin"
    )
    screenshot(page, "expected-panel")
    page.get_by_text(
        "Chaque membre et sa réponse", exact=True
    ).click()  # the list, opened, is checked too
    assert _report("séance", _violations(page)) == []

    page.goto(f"{base}/seances/{session.pk}/seance/")
    after_swap(
        page,
        lambda: page.get_by_role(
            "button", name="Pré-remplir l'appel à partir des réponses"
        ).click(),
    )
    expect(page.get_by_test_id("declared-badge")).to_have_count(4)
    expect(page.get_by_test_id("declared")).to_contain_text("4 lignes déclarées")
    screenshot(page, "roll-prefilled")
    assert _report("écran de séance", _violations(page)) == []

    form = page.get_by_test_id("vote-form-2")
    after_swap(page, lambda: form.get_by_role("button", name="Adopté à l'unanimité").click())
    expect(page.get_by_test_id("vote-errors").first).to_contain_text("Confirmez l'appel")
    assert not Vote.objects.exists()

    after_swap(
        page,
        lambda: page.get_by_role("button", name="Confirmer la ligne de Bernard Durand").click(),
    )
    expect(page.get_by_test_id("declared-badge")).to_have_count(3)
    after_swap(page, lambda: page.get_by_role("button", name="Tout confirmer").click())
    expect(page.get_by_test_id("declared-badge")).to_have_count(0)

    form = page.get_by_test_id("vote-form-2")
    after_swap(page, lambda: form.get_by_role("button", name="Adopté à l'unanimité").click())
    expect(page.get_by_test_id("result").first).to_contain_text("Adopté")
    vote = Vote.objects.get()
    assert (vote.present, vote.represented) == (3, 1)
    assert not Attendance.objects.filter(declared=True).exists()
