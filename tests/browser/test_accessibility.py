"""Accessibility: axe-core finds no serious or critical violation on the main pages.

axe-core comes bundled with axe-playwright-python, so the check runs offline, in the same
Chromium as the other browser tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from deliberations.models import Deliberation
from deliberations.services import vote_record
from meetings.deports import deport_declare
from meetings.models import AgendaItem, Session
from members.models import Mandate
from pma_governance.interchange.importer import import_document
from pma_governance.live.services import current_item_set, display_token_issue
from tests.browser.conftest import login, make_user, screenshot
from tests.conftest import SEED_PATH, import_file
from tests.pma_governance.live.test_views import _unvoted_seed
from tests.pma_governance.publication.helpers import publish_fast, sign_pv_fast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


@pytest.fixture
def archive() -> Session:
    """The seed session, its acts signed and published, its PV signed and published."""
    import datetime as dt

    from meetings.models import ProcesVerbal

    import_file(SEED_PATH)
    session = Session.objects.select_related("body").get(date=dt.date(2023, 6, 13))
    for deliberation in Deliberation.objects.filter(item__session=session):
        publish_fast(deliberation)
    sign_pv_fast(session)
    ProcesVerbal.objects.filter(session=session).update(
        status="published", published_on=dt.date(2023, 6, 20)
    )
    return session


def _violations(page: Page) -> list[dict[str, Any]]:
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def _report(url: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for v in violations:
        targets = [", ".join(node.get("target", [])) for node in v.get("nodes", [])][:3]
        lines.append(f"{url} — {v['impact']} {v['id']} : {v['help']} ({'; '.join(targets)})")
    return lines


def _check(
    page: Page, base: str, paths: list[str], name: str, *, polling: bool = False
) -> list[str]:
    problems = []
    for number, path in enumerate(paths, start=1):
        page.goto(base + path)
        # A live page polls every half second: the network is never idle there.
        page.wait_for_load_state("load" if polling else "networkidle")
        problems += _report(path, _violations(page))
        screenshot(page, f"{name}-{number}")
    return problems


def test_public_pages_have_no_serious_accessibility_violation(
    live_server: object, new_page: Callable[[], Page], archive: Session
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    page = new_page()
    paths = [
        "/public/",
        "/public/PMA/",
        "/public/PMA/seances/2023-06-13/",
        "/public/PMA/seances/2023-06-13/liste/",
        "/public/PMA/deliberations/2023-PMA00192/",
        "/connexion/",
    ]
    problems = _check(page, base, paths, "axe-public")
    assert problems == [], "\n".join(problems)


def test_members_space_and_search_have_no_serious_accessibility_violation(
    live_server: object, new_page: Callable[[], Page], archive: Session
) -> None:
    lemaire = Mandate.objects.get(body=archive.body, external_id="lemaire")
    make_user(archive.body, "lemaire", "elu", mandate=lemaire)
    base = live_server.url  # type: ignore[attr-defined]
    page = new_page()
    login(page, base, "lemaire")
    act = Deliberation.objects.get(number="2023/PMA00192")
    paths = [
        "/espace/",
        f"/espace/seances/{archive.pk}/",
        "/espace/mon-assiduite/",
        "/espace/mes-courriels/",
        f"/espace/projets/{act.pk}/",
        "/recherche/?q=urbanisme",
        "/recherche/?q=agence&annee=2023",
        f"/deliberations/{act.pk}/",
    ]

    problems = _check(page, base, paths, "axe-espace")
    assert problems == [], "\n".join(problems)


def test_secretariat_pages_have_no_serious_accessibility_violation(
    live_server: object, new_page: Callable[[], Page], archive: Session
) -> None:
    make_user(archive.body, "secretariat")
    base = live_server.url  # type: ignore[attr-defined]
    page = new_page()
    login(page, base, "secretariat")
    paths = [
        "/",
        "/seances/",
        f"/seances/{archive.pk}/",
        "/deliberations/",
        "/membres/",
    ]

    problems = _check(page, base, paths, "axe-secretariat")
    assert problems == [], "\n".join(problems)


def test_live_room_pages_have_no_serious_accessibility_violation(
    live_server: object, new_page: Callable[[], Page]
) -> None:
    session = import_document(_unvoted_seed())
    item = AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )
    bavay = Mandate.objects.get(body=session.body, external_id="bavay")
    deport_declare(item=item, mandate=bavay, reason="président de l'AULA", by_secretariat=True)
    vote_record(item=item, unanimous=True)
    current_item_set(session=session, item=item.session.items.get(position=item.position + 1))
    token = display_token_issue(session=session)
    make_user(session.body, "bavay", "elu", mandate=bavay)
    base = live_server.url  # type: ignore[attr-defined]

    room = new_page()
    problems = _check(
        room, base, [f"/seances/{session.pk}/ecran/?jeton={token}"], "axe-salle", polling=True
    )
    elu = new_page()
    login(elu, base, "bavay")
    problems += _check(
        elu, base, [f"/espace/seances/{session.pk}/en-direct/"], "axe-en-direct", polling=True
    )
    assert problems == [], "\n".join(problems)
