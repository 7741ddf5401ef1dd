"""Once a session's acts are signed, the DATABASE refuses to change the facts they state.

The session is frozen here straight through the ORM (no PDF): these tests are about the
triggers themselves, whatever code path writes. tests/meetings/test_signing_flow.py goes
through the real signing services.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from meetings.models import AgendaItem, Attendance, ProcesVerbal, Proxy, Session
from pma_governance.lib.db import frozen_refusal, refused_when_frozen
from tests.conftest import SEED_DATE, export_document, row_counts

FROZEN = "Acte signé : les faits qu'il constate ne peuvent plus être modifiés"

pytestmark = pytest.mark.django_db


def refused(action: Callable[[], Any], *, contains: str = FROZEN) -> str:
    """Run `action`, which the database must refuse; the French message it gave."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        action()
    message = frozen_refusal(excinfo.value)
    assert message is not None, excinfo.value
    assert contains in message
    return message


def freeze(session: Session) -> Session:
    """Freeze the session as a signature does (here without the PDF)."""
    Session.objects.filter(pk=session.pk).update(facts_frozen_at=timezone.now())
    session.refresh_from_db()
    return session


def sign_pv(session: Session) -> ProcesVerbal:
    freeze(session)
    ProcesVerbal.objects.filter(session=session).update(status="signed", signed_at=timezone.now())
    return ProcesVerbal.objects.get(session=session)


def _raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def frozen(seed_session: Session) -> Session:
    return freeze(seed_session)


def _first_present(session: Session) -> Attendance:
    attendance = Attendance.objects.filter(session=session, status="present", seated=False).first()
    assert attendance is not None
    return attendance


# --- Attendance, proxies, agenda: via save(), queryset.update(), delete(), insert ---------


def test_attendance_change_is_refused_through_save_and_update(frozen: Session) -> None:
    attendance = _first_present(frozen)
    attendance.status = Attendance.Status.EXCUSED
    message = refused(attendance.save)
    assert "Présences de la séance du 13/06/2023" in message
    refused(lambda: Attendance.objects.filter(pk=attendance.pk).update(status="absent"))
    refused(lambda: Attendance.objects.filter(session=frozen).update(left_at=None))


def test_attendance_delete_and_insert_are_refused(frozen: Session) -> None:
    attendance = _first_present(frozen)
    refused(attendance.delete)
    refused(lambda: Attendance.objects.filter(session=frozen).delete())
    newcomer = frozen.body.mandates.exclude(attendances__session=frozen).first()
    assert newcomer is not None
    refused(lambda: Attendance.objects.create(session=frozen, mandate=newcomer, status="present"))


def test_proxy_change_delete_and_insert_are_refused(frozen: Session) -> None:
    proxy = Proxy.objects.filter(session=frozen).first()
    assert proxy is not None
    proxy.illness = True
    assert "Pouvoirs de la séance du 13/06/2023" in refused(proxy.save)
    refused(lambda: Proxy.objects.filter(pk=proxy.pk).update(revoked_at=timezone.now()))
    refused(proxy.delete)
    refused(lambda: Proxy.objects.create(session=frozen, giver=proxy.holder, holder=proxy.giver))


def test_agenda_and_debates_are_frozen_too(frozen: Session) -> None:
    item = AgendaItem.objects.filter(session=frozen).order_by("position").first()
    assert item is not None
    item.debate_summary = "Un compte rendu réécrit après la signature."
    assert "Ordre du jour de la séance du 13/06/2023" in refused(item.save)
    refused(lambda: AgendaItem.objects.filter(session=frozen).update(title="Autre chose"))
    refused(lambda: AgendaItem.objects.filter(pk=item.pk).delete())
    refused(
        lambda: AgendaItem.objects.create(
            session=frozen, position=99, kind="information", title="Ajouté après coup"
        )
    )


# --- The session row itself ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", dt.date(2023, 6, 14)),
        ("start_time", dt.time(9, 0)),
        ("end_time", dt.time(23, 0)),
        ("place", "Ailleurs"),
        ("kind", Session.Kind.EXTRAORDINARY),
        ("convened_on", dt.date(2023, 6, 1)),
        ("president", None),
        ("secretary", None),
    ],
)
def test_session_stated_columns_are_frozen(frozen: Session, field: str, value: Any) -> None:
    setattr(frozen, field, value)
    assert "Séance du 13/06/2023" in refused(frozen.save)
    refused(lambda: Session.objects.filter(pk=frozen.pk).update(**{field: value}))


def test_session_lifecycle_moves_on_and_freeze_is_never_undone(frozen: Session) -> None:
    Session.objects.filter(pk=frozen.pk).update(status=Session.Status.CLOSED)
    frozen.refresh_from_db()
    assert frozen.status == Session.Status.CLOSED
    message = refused(
        lambda: Session.objects.filter(pk=frozen.pk).update(facts_frozen_at=None),
        contains="sont figés depuis la signature : cela ne peut être annulé",
    )
    assert "13/06/2023" in message
    refused(
        lambda: Session.objects.filter(pk=frozen.pk).update(facts_frozen_at=timezone.now()),
        contains="cela ne peut être annulé",
    )
    # Raw SQL: Django's PROTECT would refuse first; the trigger refuses whatever the caller.
    assert "ne peut être supprimée" in refused(
        lambda: _raw("DELETE FROM meetings_session WHERE id = %s", frozen.pk)
    )


def test_an_unfrozen_session_can_still_be_edited(seed_session: Session) -> None:
    attendance = _first_present(seed_session)
    Attendance.objects.filter(pk=attendance.pk).update(status="excused")
    Session.objects.filter(pk=seed_session.pk).update(place="Salle du conseil")
    AgendaItem.objects.filter(session=seed_session).update(debate_summary="")
    assert Session.objects.get(pk=seed_session.pk).place == "Salle du conseil"


# --- The procès-verbal ----------------------------------------------------------------------


def test_signed_pv_texts_are_frozen(seed_session: Session) -> None:
    pv = sign_pv(seed_session)
    pv.closing_text = "Une autre clôture"
    assert "Procès-verbal de la séance du 13/06/2023" in refused(pv.save)
    refused(lambda: ProcesVerbal.objects.filter(pk=pv.pk).update(preamble="Autre"))
    refused(lambda: ProcesVerbal.objects.filter(pk=pv.pk).update(frozen_facts={"x": 1}))
    refused(lambda: ProcesVerbal.objects.filter(pk=pv.pk).update(signed_at=timezone.now()))
    assert "ne peut être supprimé" in refused(pv.delete)


def test_signed_pv_moves_forward_only(seed_session: Session) -> None:
    pv = sign_pv(seed_session)
    ProcesVerbal.objects.filter(pk=pv.pk).update(status="adopted")
    ProcesVerbal.objects.filter(pk=pv.pk).update(
        status="published", published_on=dt.date(2023, 9, 30)
    )
    assert "ne revient pas à un état antérieur" in refused(
        lambda: ProcesVerbal.objects.filter(pk=pv.pk).update(status="draft")
    )
    assert "ne revient pas à un état antérieur" in refused(
        lambda: ProcesVerbal.objects.filter(pk=pv.pk).update(status="signed")
    )


def test_a_pv_cannot_be_signed_without_freezing_its_session(seed_session: Session) -> None:
    """A deferred constraint trigger: checked at commit (here forced with SET CONSTRAINTS)."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        ProcesVerbal.objects.filter(session=seed_session).update(
            status="signed", signed_at=timezone.now()
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert "les faits de sa séance ne sont pas figés" in (frozen_refusal(excinfo.value) or "")


# --- From the database's refusal to a French form error --------------------------------------


def test_refused_when_frozen_gives_a_french_validation_error(frozen: Session) -> None:
    attendance = _first_present(frozen)
    with pytest.raises(ValidationError) as excinfo, refused_when_frozen():
        Attendance.objects.filter(pk=attendance.pk).update(status="absent")
    assert excinfo.value.messages == [
        "Acte signé : les faits qu'il constate ne peuvent plus être modifiés (corriger par un "
        "erratum). Présences de la séance du 13/06/2023."
    ]
    # The refused statement ran in a savepoint: the transaction goes on.
    assert Attendance.objects.get(pk=attendance.pk).status == "present"


def test_other_database_errors_pass_through(seed_session: Session) -> None:
    with pytest.raises(IntegrityError), refused_when_frozen():
        Session.objects.create(body=seed_session.body, date=SEED_DATE)


# --- The session interchange ----------------------------------------------------------------


def test_import_still_replaces_an_unsigned_session(seed_session: Session, seed_path: Path) -> None:
    call_command("import_session", str(seed_path), stdout=io.StringIO())
    assert Session.objects.filter(body__short_name="PMA", date=SEED_DATE).count() == 1


def test_import_refuses_to_replace_a_signed_session_cleanly(
    seed_session: Session, seed_path: Path
) -> None:
    sign_pv(seed_session)
    counts, export = row_counts(), export_document()
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_session", str(seed_path), stdout=io.StringIO(), stderr=stderr)
    problems = stderr.getvalue()
    assert "$.session.date : la séance du 13/06/2023 a des actes signés" in problems
    assert row_counts() == counts
    assert export_document() == export
