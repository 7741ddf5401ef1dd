"""A hostile secretariat types scripts into every text field: none runs, in any page.

Every text field of every model of the apps (bodies, persons, mandates, sessions, points,
PVs, acts, votes, errata, annexes, visas, and the accounts' names) is written through the
ORM — as an import or the admin would, unchecked — with markup that runs a script when
printed unescaped. Then Chromium opens every HTML page of the URLconf (the routes of
tests/pma_governance/test_url_map.py, filled with this data) and the admin's pages, as
an élu, the secretariat, an administrator (superuser) and an anonymous visitor, and
checks on each page:

- no script ran (`window.__xss` unset) and the markup did not become elements: autoescape
  and the rich-text sanitiser hold;
- the Content-Security-Policy reported no violation but the payload's own (a refused
  inline script whose text is the payload): the app's scripts and styles all comply, so
  the policy can refuse everything inline;
- no page error (htmx and app.js run without eval or inline code), no `javascript:` link.

A last test proves the second wall: a page that printed the payload raw, under the same
policy, runs nothing and reports the payload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from deliberations.models import Deliberation, DeliberationAnnex, VisaTemplate
from deliberations.services import erratum_create
from meetings.models import AgendaItem, AttendanceAnswer, Deport, ProcesVerbal, Session
from members.models import Body
from pma_governance.documents.catalog import KINDS
from pma_governance.live.models import ElectronicPoll
from tests.browser.conftest import login, make_user
from tests.conftest import SEED_DATE, SEED_PATH, import_file
from tests.factories import (
    AgendaItemFactory,
    DeliberationFactory,
    MemberEntityFactory,
    Role,
    SessionFactory,
    convocation_link,
    login_verified,
)
from tests.pma_governance.publication.helpers import publish_fast, sign_fast, sign_pv_fast
from tests.pma_governance.test_document_access import ROUTES, _paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each piece runs a script when printed as HTML; « __xss » marks what the CSP reports of it.
PIECES = (
    "\"'><svg onload=__xss=1>",
    "<script>__xss=1</script>",
    "<img src=x onerror=__xss=1>",
    "javascript:__xss=1",
)
MARK = "__xss"
# Text fields that are identifiers, codes or rules the app parses, not text a user reads:
# they are validated on their own (slug, SIREN, pattern…) and stay sane here.
NOT_FREE_TEXT = {
    "members.Body": {
        *("short_name", "siren", "siret", "department_code", "numbering_pattern"),
        *("actes_arrondissement", "actes_nature"),
    },
    "members.Mandate": {"external_id"},
    "deliberations.Deliberation": {"number"},
    "deliberations.SignedDocument": {"sha256"},
    "deliberations.DeliberationAnnex": {"sha256", "content_type"},
    "meetings.ConvocationReceipt": {"token_hash"},
}
# The domain apps and the features: every first-party app's models.
FIRST_PARTY = ("members", "meetings", "deliberations", "pma_governance")
# The administrator is a superuser here: every page the Administrateur group opens (signing,
# prefecture, publication) and the admin's.
ROLES: tuple[Role, ...] = ("elu", "secretariat", "superuser")
# What the browser records: CSP violations (their text sample) and the injected elements.
RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push({directive: e.violatedDirective, blocked: e.blockedURI,
                     sample: e.sample, source: e.sourceFile, line: e.lineNumber});
}, true);
"""
REPORT = """() => ({
  xss: window.__xss === undefined ? null : String(window.__xss),
  csp: window.__csp || [],
  injected: document.querySelectorAll(
    'svg[onload], img[onerror], script:not([src]), [href^="javascript:" i]').length,
})"""


def hostile(max_length: int | None) -> str:
    """As many pieces as the column holds, leaving room for the row's id."""
    room = (max_length or 10_000) - 8
    text = ""
    for piece in PIECES:
        if len(text) + len(piece) <= room:
            text += piece
    assert text, f"no payload fits in {max_length} characters"
    return text


def free_text_fields() -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every text column a user may fill, in the domain apps (choices and codes left out)."""
    for model in apps.get_models():
        label = model._meta.label
        first_party = model._meta.app_config.name.startswith(FIRST_PARTY)  # type: ignore[union-attr]
        if not first_party or model._meta.proxy or "Event" in label:
            continue
        skip = NOT_FREE_TEXT.get(label, set())
        for f in model._meta.concrete_fields:
            if isinstance(f, CharField | models.TextField) and not f.choices and f.name not in skip:
                yield model, f


def inject_everywhere() -> int:
    """Overwrite every free text with the payload (and the row's id: unique stays unique)."""
    count = 0
    for model, f in free_text_fields():
        text = Concat(Value(hostile(f.max_length) + " "), Cast("pk", CharField()))
        count += model._default_manager.update(**{f.name: text})
    return count


@dataclass
class World:
    body: Body
    held: Session  # the seed session: signed PV, signed and published acts
    values: dict[str, list[str]]
    users: dict[Role, User] = field(default_factory=dict)


@pytest.fixture
def world() -> World:
    import_file(SEED_PATH)
    held = Session.objects.get(date=SEED_DATE)
    body = held.body
    # A session being prepared: its projet and ordre du jour are the secretariat's pages.
    planned = SessionFactory(body=body, date=dt.date(2023, 9, 29), status=Session.Status.PLANNED)
    planned_item = AgendaItemFactory(session=planned, position=1, title="Point")
    draft = DeliberationFactory(body=body, item=planned_item, title="Projet")
    VisaTemplate.objects.create(body=body, text="le Code général des collectivités")
    entity = MemberEntityFactory(body=body)
    acts = list(Deliberation.objects.filter(item__session=held).order_by("number"))
    DeliberationAnnex.objects.create(
        deliberation=acts[-1],
        title="Annexe",
        filename="annexe.html",
        content_type="text/html",  # what a browser says of an uploaded page
        content=b"<script>window.__xss=1</script>",
        sha256="0" * 64,
    )
    # A déport on the coming session: its reason shows in the space and on the session's page.
    deport = Deport.objects.create(
        session=planned, item=planned_item, mandate=body.mandates.order_by("pk")[0], reason="x"
    )
    # A convocation sent for it: the personal link's page and the secretariat's receipts.
    dispatch, link = convocation_link(planned, body.mandates.order_by("pk")[1])
    # A pouvoir given for the coming session: both names show in the space and the hub.
    giver, holder = body.mandates.filter(role="titulaire").order_by("pk")[:2]
    pouvoir = AttendanceAnswer.objects.create(
        session=planned, mandate=giver, answer="proxy", holder=holder, answered_at=timezone.now()
    )
    # An electronic vote open on it: the élu's ballot route is tried too.
    poll = ElectronicPoll.objects.create(item=planned_item, mode=ElectronicPoll.Mode.PUBLIC)
    users = {
        role: make_user(body, role, role, first_name=hostile(150), last_name=hostile(150))
        for role in ROLES
    }
    assert inject_everywhere() > 100
    # Then signed and published, as the secretariat's texts are: the public side shows them.
    publish_fast(acts[0])
    sign_fast(acts[1])
    sign_pv_fast(held)
    ProcesVerbal.objects.filter(session=held).update(
        status="published", published_on=dt.date(2023, 6, 20)
    )
    for target in ({"deliberation": acts[1]}, {"pv": held.pv}):
        erratum_create(text=hostile(None), created_by=users["secretariat"], **target)
    number = Deliberation.objects.get(pk=acts[0].pk).number or ""
    held_item = AgendaItem.objects.filter(session=held).order_by("pk")[0]
    mandate = body.mandates.order_by("pk")[0]
    values = {
        "pk": sorted(
            {
                str(pk)
                for pk in [
                    held.pk,
                    planned.pk,
                    held.pv.pk,
                    draft.pk,
                    *(a.pk for a in acts[:3]),
                    mandate.pk,
                    mandate.person_id,
                    entity.pk,
                    VisaTemplate.objects.get().pk,
                ]
            }
        ),
        "item_pk": [str(held_item.pk), str(planned_item.pk)],
        "mandate_pk": [str(mandate.pk)],
        "proxy_pk": [str(held.proxies.order_by("pk")[0].pk)],
        "deport_pk": [str(deport.pk)],
        "answer_pk": [str(pouvoir.pk)],
        "annex_pk": [str(acts[-1].annexes.get().pk)],
        "kind": list(KINDS),
        "short_name": [body.short_name],
        "day": [SEED_DATE.isoformat()],
        "ref": [number.replace("/", "-")],
        "number": [number],
        "slug": [number.replace("/", "-")],
        "year": ["2023"],
        # The password reset link: an account's id in base64 and a token (none valid here).
        "uidb64": ["MQ"],
        "token": ["set-password", link.strip("/").split("/")[-1]],
        "dispatch_pk": [str(dispatch.pk)],
        "poll_pk": [str(poll.pk)],
    }
    return World(body=body, held=held, values=values, users=users)


# --- The pages -----------------------------------------------------------------------------

NOT_PAGES = (".pdf", ".csv", ".atom", ".tar.gz", ".zip", ".xml", ".txt", "/annexes/<int:annex_pk>/")


def html_pages(client: Client, values: dict[str, list[str]], errors: list[str]) -> list[str]:
    """The routes' URLs filled with the world's ids that answer an HTML page; 5xx noted."""
    pages = []
    for route in ROUTES:
        if route.path.endswith(NOT_PAGES) or route.path.startswith("api/"):
            continue
        for path in _paths(route, values):
            response = client.get(path)
            if response.status_code >= 500:
                errors.append(f"{path} répond {response.status_code}")
            elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages.append(path)
    return pages


def admin_pages() -> list[str]:
    """The admin's index, and each model's list, add and change pages."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"{name}_change", args=[first.pk]))
    return pages


def ok(client: Client, path: str) -> bool:
    return client.get(path).status_code == 200


@dataclass
class Browser:
    """One page, reused for every URL and role, that reports what each URL did."""

    page: Page
    base: str
    problems: list[str] = field(default_factory=list)
    visited: int = 0

    def __post_init__(self) -> None:
        self.page.context.add_init_script(RECORDER)
        self.page.on("pageerror", lambda error: self.problems.append(f"erreur JS : {error}"))

    def log_in(self, username: str | None) -> None:
        self.page.context.clear_cookies()
        if username is None:
            return
        # The whole login, the TOTP code included: every page is then the page itself.
        login(self.page, self.base, username)

    def check(self, who: str, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.ok, f"{who} : {path}"
        assert "/connexion/code/" not in self.page.url, f"{who} : {path} demande le code"
        assert "Content-Security-Policy" in response.headers or response.headers.get(
            "content-security-policy"
        ), f"{path} sans Content-Security-Policy"
        self.visited += 1
        for frame in self.page.frames:
            try:
                report = frame.evaluate(REPORT)
            except Exception:  # the PV preview's sandboxed frame runs no script, not even ours
                if frame == self.page.main_frame:
                    raise
                continue
            where = f"{who} : {path}" + ("" if frame == self.page.main_frame else " (cadre)")
            if report["xss"] is not None:
                self.problems.append(f"{where} : le script injecté a tourné")
            if report["injected"]:
                self.problems.append(f"{where} : {report['injected']} élément(s) injecté(s)")
            for v in report["csp"]:
                if MARK not in (v["sample"] or ""):
                    self.problems.append(f"{where} : violation CSP de l'application {v}")


def test_no_script_typed_into_a_text_field_runs_on_any_page(
    live_server: Any, new_page: Callable[[], Page], world: World
) -> None:
    errors: list[str] = []
    superuser = Client()
    login_verified(superuser, world.users["superuser"])
    everything = html_pages(superuser, world.values, errors)
    assert errors == []
    assert len(everything) > 40

    browser = Browser(new_page(), live_server.url)
    roles: list[tuple[str, str | None, list[str]]] = [
        ("administrateur", "superuser", everything + [p for p in admin_pages() if ok(superuser, p)])
    ]
    for role in ("secretariat", "elu", None):
        client = Client()
        if role is not None:
            login_verified(client, world.users[role])
        pages = [p for p in everything if ok(client, p)]
        roles.append((role or "anonyme", role, pages))
    for who, username, pages in roles:
        browser.log_in(username)
        for path in pages:
            browser.check(who, path)

    # The PV's preview is a sandboxed frame that runs nothing; its print.css still applies.
    browser.log_in("secretariat")
    browser.page.goto(live_server.url + reverse("meetings:pv_edit", args=[world.held.pk]))
    preview = browser.page.frame_locator("#pv-preview").locator("body")
    font = preview.evaluate("(body) => getComputedStyle(body).fontFamily")
    assert "Source Sans" in font

    assert browser.problems == [], "\n".join(browser.problems)
    seen = {who: len(pages) for who, _, pages in roles}
    assert seen["elu"] > 10 and seen["anonyme"] >= 5, seen
    # An uploaded page is downloaded, never opened in the app's origin.
    annex = DeliberationAnnex.objects.get()
    response = superuser.get(
        reverse("deliberations:annex_file", args=[annex.deliberation_id, annex.pk])
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_script_printed_raw_would_still_not_run(
    live_server: Any, new_page: Callable[[], Page], client: Client
) -> None:
    """The second wall: were a page to print the payload unescaped, the policy refuses it."""
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe" not in policy
    page = new_page()
    page.context.add_init_script(RECORDER)
    probe = live_server.url + "/sonde/"
    page.route(
        probe,
        lambda route: route.fulfill(
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body="<!doctype html><title>t</title><p>" + "".join(PIECES) + "</p>",
        ),
    )
    page.goto(probe, wait_until="load")
    report = page.evaluate(REPORT)

    assert report["injected"] == 3  # printed raw: the elements are there…
    assert report["xss"] is None  # …and none of their scripts ran,
    refused = {v["directive"] for v in report["csp"] if MARK in v["sample"]}
    assert refused >= {"script-src-elem", "script-src-attr"}  # refused, with a sample.
