"""Shared fixtures: the seed session of 13 June 2023, the commands that move it, and a
small assembly built with the factories."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pghistory.models
import pytest
from aiosmtpd.controller import Controller
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings.models import AgendaItem, Attendance, Session
from members.models import Body, Mandate
from pma_governance.interchange.exporter import export_session
from tests.factories import login_as
from tests.signatories import Issue, Signatories, issue, signatories_of

# A copy of ../shared/examples/pma-2023-06-13.json, kept in the repository so that the
# suite never depends on where shared/ sits beside the clone.
SEED_PATH = Path(__file__).resolve().parent / "fixtures" / "pma-2023-06-13.json"
SEED_DATE = dt.date(2023, 6, 13)
PROBLEM_LINE = re.compile(r"^(\$\S*) : ", re.MULTILINE)


def seed_document() -> dict[str, Any]:
    """A fresh, mutable copy of the seed document."""
    return json.loads(SEED_PATH.read_text(encoding="utf-8"))


def _run(name: str, *args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def import_file(path: Path | str) -> tuple[str, str]:
    """Run `manage.py import_session FILE`; (stdout, stderr). Raises CommandError on refusal."""
    return _run("import_session", str(path))


def export_json(short: str = "PMA", day: dt.date = SEED_DATE) -> dict[str, Any]:
    """Run `manage.py export_session` and parse the JSON it prints."""
    stdout, _ = _run("export_session", "--body", short, "--date", day.isoformat())
    return json.loads(stdout)


def export_document(short: str = "PMA", day: dt.date = SEED_DATE) -> dict[str, Any]:
    """The session's export, straight from the interchange module (no command)."""
    return export_session(Body.objects.get(short_name=short), day)


def row_counts(*, history: bool = True) -> dict[str, int]:
    """Row count of every installed model (many-to-many tables included).

    `history=False` leaves out the change history (pghistory events), which rightly grows
    when a session is replaced: the history of every change is kept (DESIGN §4.6).
    """
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if history or not _is_history(model)
    }


def _is_history(model: type[Model]) -> bool:
    return model._meta.app_label == "pghistory" or issubclass(model, pghistory.models.Event)


def refused_service(call: Callable[[], object]) -> str:
    """Run a service call that must be refused; check it wrote nothing; return its message."""
    before = row_counts()
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert row_counts() == before
    return " ".join(excinfo.value.messages)


@pytest.fixture
def seed_path() -> Path:
    return SEED_PATH


@pytest.fixture
def seed_doc() -> dict[str, Any]:
    return seed_document()


@pytest.fixture
def seed_session(db: None) -> Session:
    """The PMA's Comité syndical of 13 June 2023, imported from the seed document."""
    import_file(SEED_PATH)
    return Session.objects.select_related("body").get(body__short_name="PMA", date=SEED_DATE)


@pytest.fixture
def seed_body(seed_session: Session) -> Body:
    return seed_session.body


@pytest.fixture
def mandate_of(seed_body: Body) -> Callable[[str], Mandate]:
    """The seed mandate with a given interchange id (`laversin`, `bavay`…)."""

    def get(external_id: str) -> Mandate:
        return Mandate.objects.select_related("person").get(body=seed_body, external_id=external_id)

    return get


@pytest.fixture
def write_doc(tmp_path: Path) -> Callable[[Any], Path]:
    """Write a document (a dict, or raw text) to a file import_session can read."""
    counter = iter(range(1_000_000))

    def write(document: Any) -> Path:
        path = tmp_path / f"session-{next(counter)}.json"
        text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@dataclass(frozen=True)
class Refusal:
    """What `import_session` said when it refused a document."""

    stderr: str  # one line per problem: « $.json.path : message »
    error: str  # the CommandError message (manage.py prints it on stderr too)

    @property
    def paths(self) -> list[str]:
        return PROBLEM_LINE.findall(self.stderr + "\n" + self.error)

    @property
    def text(self) -> str:
        return f"{self.stderr}\n{self.error}"


@pytest.fixture
def refused_import(write_doc: Callable[[Any], Path]) -> Callable[[Any], Refusal]:
    """Import a document that must be refused, and check that nothing was written.

    The refusal must leave the database exactly as it was: same row count for every
    model, and the seed session (when there is one) exported identically.
    """

    def run(document: Any) -> Refusal:
        path = write_doc(document)
        has_seed = Session.objects.filter(body__short_name="PMA", date=SEED_DATE).exists()
        counts_before = row_counts()
        export_before = export_document() if has_seed else None
        stderr = io.StringIO()
        with pytest.raises(CommandError) as excinfo:
            call_command("import_session", str(path), stdout=io.StringIO(), stderr=stderr)
        assert row_counts() == counts_before
        if export_before is not None:
            assert export_document() == export_before
        return Refusal(stderr=stderr.getvalue(), error=str(excinfo.value))

    return run


# --- Logged-in clients for a module's `body` fixture -------------------------------------


@pytest.fixture
def secretariat(client: Client, body: Body) -> Client:
    """The test client, logged in as the secretariat of the test module's `body`."""
    login_as(client, "secretariat", body)
    return client


@pytest.fixture
def elu(client: Client, body: Body) -> Client:
    """The test client, logged in as an élu sitting in the test module's `body`."""
    login_as(client, "elu", body)
    return client


# --- A small assembly built with the factories ------------------------------------------


@dataclass
class Council:
    """Five titulaires (quorum 3) and a suppléant, and a convened session with four items."""

    body: Body
    session: Session
    members: dict[str, Mandate]
    items: list[AgendaItem]

    def __getitem__(self, first_name: str) -> Mandate:
        return self.members[first_name]


COUNCIL_MEMBERS = [
    # first name, last name, civility, role
    ("Alice", "Martin", "Mme", Mandate.Role.TITULAIRE),
    ("Bernard", "Durand", "M.", Mandate.Role.TITULAIRE),
    ("Claire", "Petit", "Mme", Mandate.Role.TITULAIRE),
    ("David", "Leroy", "M.", Mandate.Role.TITULAIRE),
    ("Émilie", "Moreau", "Mme", Mandate.Role.TITULAIRE),
    ("Fabien", "Roux", "M.", Mandate.Role.SUPPLEANT),
]
COUNCIL_ITEMS = [
    (AgendaItem.Kind.PV_ADOPTION, "Adoption du procès-verbal de la séance précédente"),
    (AgendaItem.Kind.DELIBERATION, "Subvention 2023 à l'office de tourisme"),
    (AgendaItem.Kind.DELIBERATION, "Convention de partenariat avec la Mission Bassin Minier"),
    (AgendaItem.Kind.INFORMATION, "Agenda"),
]


@pytest.fixture
def council(db: None) -> Council:
    from tests.factories import (
        AgendaItemFactory,
        BodyFactory,
        DeliberationFactory,
        MandateFactory,
        PersonFactory,
        SessionFactory,
    )

    body = BodyFactory(name="Syndicat mixte des Collines", short_name="SMC")
    members = {
        first: MandateFactory(
            body=body,
            role=role,
            person=PersonFactory(first_name=first, last_name=last, civility=civility),
            external_id=last.lower(),
        )
        for first, last, civility, role in COUNCIL_MEMBERS
    }
    session = SessionFactory(body=body, date=dt.date(2023, 6, 13), president=members["Alice"])
    items = []
    for position, (kind, title) in enumerate(COUNCIL_ITEMS, start=1):
        item = AgendaItemFactory(session=session, position=position, kind=kind, title=title)
        if kind == AgendaItem.Kind.DELIBERATION:
            DeliberationFactory(item=item)
        items.append(item)
    return Council(body=body, session=session, members=members, items=items)


@pytest.fixture
def seated(council: Council) -> Callable[..., None]:
    """Record members present through the service, e.g. `seated("Alice", "Bernard")`."""
    from meetings.services import attendance_set

    def seat(*first_names: str) -> None:
        for first in first_names:
            attendance_set(
                session=council.session, mandate=council[first], status=Attendance.Status.PRESENT
            )

    return seat


SIGNING_PASSPHRASE = "phrase-secrete-de-test"


@pytest.fixture(scope="session")
def demo_certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo PKCS#12, made by the command `make run` uses, in a temporary folder."""
    from django.test import override_settings

    path = tmp_path_factory.mktemp("pki") / "demo.p12"
    with override_settings(
        SIGNING_PKCS12_PATH=str(path), SIGNING_PKCS12_PASSPHRASE=SIGNING_PASSPHRASE
    ):
        call_command("make_demo_certificate", "--force", stdout=io.StringIO())
    return path


@pytest.fixture
def signing_certificate(settings: Any, demo_certificate: Path) -> Path:
    """Sign with the test certificate for the duration of one test."""
    settings.SIGNING_PKCS12_PATH = str(demo_certificate)
    settings.SIGNING_PKCS12_PASSPHRASE = SIGNING_PASSPHRASE
    return demo_certificate


@pytest.fixture
def issue_certificate(signing_certificate: Path) -> Issue:
    """`issue_certificate("Alain Bavay")`: a PKCS#12 in that name from the demo authority."""
    return issue


@pytest.fixture
def signatories(
    signing_certificate: Path, issue_certificate: Issue
) -> Callable[[Session], Signatories]:
    """`signatories(session)`: the president's and the secretary's accounts, each with his
    own certificate registered; `.president` and `.secretary` sign in one call."""
    return signatories_of


def analyze() -> None:
    """Table statistics, as autovacuum keeps them on a live database.

    Without them the planner sizes a bulk-loaded test archive from whatever an earlier
    test left (ANALYZE's row counts outlive a rollback) and may pick nested loops that
    take minutes; the pages are measured as they run in production.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


CountQueries = Callable[[], CaptureQueriesContext]


@pytest.fixture
def count_queries() -> CountQueries:
    """Count a block's queries and assert nothing: the baseline of a page with little data,
    that the same page with more data is then held to by `django_assert_num_queries`.

        with count_queries() as few:
            client.get(url)
        ...  # more rows
        with django_assert_num_queries(len(few)):
            client.get(url)
    """
    return lambda: CaptureQueriesContext(connection)


# --- A real SMTP server, in process ------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def text(self, index: int = 0) -> str:
        """The plain-text body of a received message, with the SMTP line ends undone."""
        return str(self.messages[index].get_content()).replace("\r\n", "\n")


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[Inbox]:
    """An aiosmtpd server on a free local port; Django sends its e-mails there by SMTP."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()
