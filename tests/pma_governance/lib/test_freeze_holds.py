"""The freeze of signed acts holds against SQL (issue 11, point 6).

No session variable skips the freeze triggers — not django-pgtrigger's `pgtrigger.ignore`
set with their real names, and `session_replication_role` is out of reach of the runtime
role — and that role, which has data rights only, can neither disable, drop nor replace
a trigger, nor TRUNCATE a table (which no row trigger sees).
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pgtrigger
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from deliberations.models import Deliberation, SignedDocument
from deliberations.storage import store_signed
from meetings.models import Session
from pma_governance.lib.db import AppendOnly, FreezeTrigger, frozen_refusal
from pma_governance.lib.dbroles import (
    create_runtime_role,
    grant_data_rights,
    quote_ident,
    runtime_role_problems,
)

FROZEN = "Acte signé : les faits qu'il constate ne peuvent plus être modifiés"
WRITTEN_ONCE = "Document signé : il est conservé tel qu'il a été signé"
NUMBER = "2023/PMA00192"
INSUFFICIENT_PRIVILEGE = "42501"
FREEZE_TRIGGERS = {
    "session_facts_frozen",
    "agendaitem_facts_frozen",
    "attendance_facts_frozen",
    "proxy_facts_frozen",
    "deport_facts_frozen",
    "answer_facts_frozen",
    "pv_signed_frozen",
    "pv_signed_session_frozen",
    "deliberation_signed_frozen",
    "deliberation_signed_session_frozen",
    "vote_facts_frozen",
    "namedvote_facts_frozen",
    "votenonparticipant_facts_frozen",
    "annex_frozen_with_act",
    "signeddocument_insert_only",
    "erratum_insert_only",
    # The security journal is written once too (members.SecurityEvent).
    "securityevent_insert_only",
}


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _refused(statement: str, params: list[Any] | None = None) -> DatabaseError:
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        _sql(statement, params)
    return excinfo.value


def _sqlstate(error: DatabaseError) -> str | None:
    return getattr(error.__cause__, "sqlstate", None)


def all_pgtrigger_names() -> list[str]:
    """The real names of every trigger installed by django-pgtrigger in the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'pgtrigger_%%'"
        )
        return [name for (name,) in cursor.fetchall()]


def ignore_every_trigger() -> None:
    """What any SQL session may do: ask django-pgtrigger to skip every trigger it installed."""
    _sql(
        "SELECT set_config('pgtrigger.ignore', %s, true)",
        ["{" + ",".join(all_pgtrigger_names()) + "}"],
    )


@pytest.fixture
def signed(seed_session: Session) -> dict[str, int]:
    """The seed's deliberation 2023/PMA00192 signed, with its PDF stored; the ids at stake."""
    deliberation = Deliberation.objects.select_related("item").get(number=NUMBER)
    assert deliberation.item is not None
    Session.objects.filter(pk=seed_session.pk).update(facts_frozen_at=timezone.now())
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status="signed", signed_at=timezone.now(), frozen_facts={"number": NUMBER}
    )
    document = store_signed(
        kind="deliberation",
        pdf=b"%PDF-1.7 signed bytes",
        signed_at=timezone.now(),
        signatories=[{"name": "Alain Bavay", "quality": "Le Président"}],
        deliberation=deliberation,
    )
    return {
        "deliberation": deliberation.pk,
        "item": deliberation.item.pk,
        "session": seed_session.pk,
        "document": document.pk,
    }


# Each write that the freeze must refuse: (statement, ids it takes, what the refusal says).
FORBIDDEN_WRITES = [
    (
        "UPDATE deliberations_deliberation SET title = 'Objet falsifié' WHERE id = %s",
        "deliberation",
        FROZEN,
    ),
    (
        "UPDATE deliberations_deliberation SET status = 'voted' WHERE id = %s",
        "deliberation",
        FROZEN,
    ),
    ("DELETE FROM deliberations_deliberation WHERE id = %s", "deliberation", FROZEN),
    ("UPDATE deliberations_vote SET item_id = item_id WHERE item_id = %s", "item", FROZEN),
    ("DELETE FROM deliberations_vote WHERE item_id = %s", "item", FROZEN),
    ("DELETE FROM meetings_attendance WHERE session_id = %s", "session", FROZEN),
    ("UPDATE meetings_session SET place = 'ailleurs' WHERE id = %s", "session", FROZEN),
    ("UPDATE meetings_session SET facts_frozen_at = NULL WHERE id = %s", "session", "figés"),
    ("UPDATE meetings_agendaitem SET title = 'Autre point' WHERE id = %s", "item", FROZEN),
    (
        "UPDATE deliberations_signeddocument SET pdf = 'faux' WHERE id = %s",
        "document",
        WRITTEN_ONCE,
    ),
    ("DELETE FROM deliberations_signeddocument WHERE id = %s", "document", WRITTEN_ONCE),
]


def assert_refused_by_freeze(statement: str, ident: int, says: str) -> None:
    error = _refused(statement, [ident])
    message = frozen_refusal(error)
    assert message is not None, error
    assert says in message


@pytest.mark.django_db
def test_every_freeze_trigger_is_installed_without_the_bypass_check() -> None:
    pgids = {
        trigger.get_pgid(model): trigger.name
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, FreezeTrigger)
    }
    assert set(pgids.values()) == FREEZE_TRIGGERS
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, t.tgenabled, p.prosrc FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname LIKE 'pgtrigger_%%'"
        )
        installed = {name: (enabled, source) for name, enabled, source in cursor.fetchall()}
    for pgid in pgids:
        enabled, source = installed[pgid]
        assert enabled == "O" and "RAISE EXCEPTION" in source
        assert "_pgtrigger_should_ignore" not in source and "pgtrigger.ignore" not in source
    # The history's append-only protection has none either; the other triggers (history
    # recording, search vectors) keep django-pgtrigger's check.
    append_only = {
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, AppendOnly)
    }
    assert len(append_only) >= 10
    for pgid in append_only:
        assert "_pgtrigger_should_ignore" not in installed[pgid][1]
    pgids.update(dict.fromkeys(append_only, "append_only"))
    others = set(installed) - set(pgids)
    assert others and all("_pgtrigger_should_ignore" in installed[name][1] for name in others)


@pytest.mark.django_db
@pytest.mark.parametrize(("statement", "key", "says"), FORBIDDEN_WRITES)
def test_the_bypass_variable_skips_no_freeze_trigger(
    signed: dict[str, int], statement: str, key: str, says: str
) -> None:
    ignore_every_trigger()
    assert_refused_by_freeze(statement, signed[key], says)


@pytest.mark.django_db
def test_the_bypass_variable_is_really_set(signed: dict[str, int]) -> None:
    """The control: the same variable does skip a trigger that honours it (history)."""
    other = Deliberation.objects.exclude(pk=signed["deliberation"]).exclude(status="signed")[0]
    before = other.events.count()  # type: ignore[attr-defined]
    with pgtrigger.ignore(*[f"{m._meta.label}:{t.name}" for m, t in pgtrigger.registered()]):
        Deliberation.objects.filter(pk=other.pk).update(title="Nouvel objet")
        assert other.events.count() == before  # type: ignore[attr-defined]
        # django-pgtrigger's own API, naming the freeze trigger, skips nothing either.
        assert_refused_by_freeze(FORBIDDEN_WRITES[0][0], signed["deliberation"], FROZEN)
    Deliberation.objects.filter(pk=other.pk).update(title="Objet encore changé")
    assert other.events.count() > before  # type: ignore[attr-defined]


@pytest.fixture
def as_runtime_role(db: None) -> Callable[[], str]:
    """Switch this test's transaction to a role with data rights only, as `migrate` grants."""

    def switch() -> str:
        role = f"{connection.settings_dict['NAME']}_runtime_tx"
        with connection.cursor() as cursor:
            create_runtime_role(cursor, role)
            grant_data_rights(cursor, role)
            cursor.execute(f"SET LOCAL ROLE {quote_ident(role)}")
        return role

    return switch


@pytest.mark.django_db
@pytest.mark.parametrize(("statement", "key", "says"), FORBIDDEN_WRITES)
def test_the_runtime_role_cannot_write_a_signed_act(
    signed: dict[str, int], as_runtime_role: Callable[[], str], statement: str, key: str, says: str
) -> None:
    as_runtime_role()
    ignore_every_trigger()
    assert_refused_by_freeze(statement, signed[key], says)


@pytest.mark.django_db
def test_the_history_cannot_be_rewritten_either(
    signed: dict[str, int], as_runtime_role: Callable[[], str]
) -> None:
    """The event tables are append-only, and their protection has no bypass either."""
    as_runtime_role()
    ignore_every_trigger()
    act = Deliberation.objects.get(pk=signed["deliberation"])
    assert act.events.exists()  # type: ignore[attr-defined]
    for statement in (
        "UPDATE deliberations_deliberationevent SET title = 'Histoire réécrite'",
        "DELETE FROM deliberations_deliberationevent",
        "UPDATE meetings_attendanceevent SET status = 'absent'",
    ):
        assert "pgtrigger: Cannot" in str(_refused(statement)), statement


def _trigger_ddl(table: str, pgid: str) -> list[str]:
    return [
        f"ALTER TABLE {table} DISABLE TRIGGER {pgid}",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"DROP TRIGGER {pgid} ON {table}",
        f"DROP FUNCTION {pgid}() CASCADE",
        f"CREATE OR REPLACE FUNCTION {pgid}() RETURNS trigger AS $$ BEGIN RETURN NEW; END; "
        "$$ LANGUAGE plpgsql",
        f"ALTER FUNCTION {pgid}() RENAME TO skipped",
        f"TRUNCATE {table} CASCADE",
        f"DROP TABLE {table} CASCADE",
        f"ALTER TABLE {table} OWNER TO CURRENT_USER",
        "SET session_replication_role = replica",
        "SET LOCAL session_replication_role = replica",
    ]


def _freeze_trigger_tables() -> Iterator[tuple[str, str]]:
    for model, trigger in pgtrigger.registered():
        if isinstance(trigger, FreezeTrigger):
            yield model._meta.db_table, trigger.get_pgid(model)


@pytest.mark.django_db
def test_the_runtime_role_cannot_disable_drop_or_replace_a_freeze_trigger(
    signed: dict[str, int], as_runtime_role: Callable[[], str]
) -> None:
    as_runtime_role()
    tried = 0
    for table, pgid in _freeze_trigger_tables():
        for statement in _trigger_ddl(table, pgid):
            error = _refused(statement)
            assert _sqlstate(error) == INSUFFICIENT_PRIVILEGE, (statement, error)
            tried += 1
    assert tried == len(FREEZE_TRIGGERS) * 11
    # Still refused: nothing above took effect.
    assert_refused_by_freeze(FORBIDDEN_WRITES[0][0], signed["deliberation"], FROZEN)


@pytest.mark.django_db
def test_the_runtime_role_still_does_the_app_s_work(
    signed: dict[str, int], as_runtime_role: Callable[[], str]
) -> None:
    """Data rights are enough: publish the signed act, draft another, history recorded."""
    as_runtime_role()
    act = Deliberation.objects.get(pk=signed["deliberation"])
    Deliberation.objects.filter(pk=act.pk).update(
        status="published", published_on=timezone.localdate()
    )
    other = Deliberation.objects.exclude(pk=act.pk).exclude(status="signed")[0]
    before = other.events.count()  # type: ignore[attr-defined]
    other.title = "Objet modifié par l'application"
    other.save()
    assert other.events.count() > before  # type: ignore[attr-defined]
    assert SignedDocument.objects.get(pk=signed["document"]).sha256
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0].endswith("_runtime_tx")


@pytest.mark.django_db
def test_a_runtime_role_that_could_undo_the_freeze_is_reported() -> None:
    role = f"{connection.settings_dict['NAME']}_runtime_tx"
    with connection.cursor() as cursor:
        create_runtime_role(cursor, role)
        grant_data_rights(cursor, role)
        assert runtime_role_problems(cursor, role) == []
        cursor.execute(f"ALTER TABLE members_body OWNER TO {quote_ident(role)}")
        (owns,) = runtime_role_problems(cursor, role)
        assert "possède des tables" in owns and "members_body" in owns
        cursor.execute(f"ALTER ROLE {quote_ident(role)} CREATEROLE")
        assert any("CREATEROLE" in p for p in runtime_role_problems(cursor, role))
        assert runtime_role_problems(cursor, "personne_de_ce_nom") == [
            "le rôle personne_de_ce_nom n'existe pas"
        ]


@pytest.mark.django_db(transaction=True)
def test_migrate_as_owner_grants_the_runtime_role_data_rights_only(
    signed: dict[str, int], settings: Any
) -> None:
    """DATABASE_MIGRATE_URL: migrate logs in as the owner; the app's own connection, as
    the runtime role, reads and writes data but cannot undo the freeze."""
    conf = connection.settings_dict
    owner_url = _url(conf)
    role, password = f"{conf['NAME']}_runtime", secrets.token_hex(16)
    own = {"USER": conf["USER"], "PASSWORD": conf["PASSWORD"]}
    with connection.cursor() as cursor:
        create_runtime_role(cursor, role, password)
    settings.DATABASE_MIGRATE_URL = owner_url
    try:
        connection.close()
        conf.update(USER=role, PASSWORD=password)
        out = _migrate()
        assert f"Rôle d'exécution {role}" in out and "Attention" not in out
        assert_refused_by_freeze(FORBIDDEN_WRITES[0][0], signed["deliberation"], FROZEN)
        for statement in _trigger_ddl("deliberations_deliberation", "whatever")[:2]:
            assert _sqlstate(_refused(statement)) == INSUFFICIENT_PRIVILEGE
        assert _sqlstate(_refused("SET session_replication_role = replica")) == (
            INSUFFICIENT_PRIVILEGE
        )
        Deliberation.objects.filter(pk=signed["deliberation"]).update(status="transmitted")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == role
    finally:
        connection.close()
        conf.update(own)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {quote_ident(role)}")
            cursor.execute(f"DROP ROLE {quote_ident(role)}")


@pytest.mark.django_db(transaction=True)
def test_migrate_warns_when_the_runtime_role_could_undo_the_freeze(settings: Any) -> None:
    conf = connection.settings_dict
    settings.DATABASE_MIGRATE_URL = _url(conf)
    out = _migrate()
    assert "Attention" in out and "Le gel des actes signés ne tient pas" in out


def _migrate() -> str:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("migrate", verbosity=1, stdout=stdout, stderr=stderr)
    return stdout.getvalue() + stderr.getvalue()


def _url(conf: dict[str, Any]) -> str:
    """A postgresql:// URL of the connection's database and credentials."""
    user, password = quote(str(conf["USER"]), safe=""), quote(str(conf["PASSWORD"]), safe="")
    return f"postgresql://{user}:{password}@/{conf['NAME']}?host={quote(str(conf['HOST']))}"
