"""Database infrastructure shared by the domain apps: trigger SQL, history, the freeze.

The immutability of signed acts is kept by PostgreSQL itself (DESIGN §4.6): the trigger
builders here write the PL/pgSQL, `history_tracked` records every change, and
`refused_when_frozen` turns the database's refusal into the French message a user reads.
The freeze triggers are `FreezeTrigger`s: unlike django-pgtrigger's, their function has
no bypass (`SET pgtrigger.ignore` does not skip them), and the application's runtime
role, which owns no table, can neither disable nor drop them (README « Base de données »).
No domain app is imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pghistory
import pgtrigger
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, models, transaction
from pgtrigger import compiler

_M = TypeVar("_M", bound=models.Model)

# --- History and immutability, kept by the database itself (DESIGN §4.6) -----------------

FACTS_FROZEN_MESSAGE = (
    "Acte signé : les faits qu'il constate ne peuvent plus être modifiés (corriger par un erratum)."
)
FROZEN_HINT = "Une correction passe par un erratum ou par un nouvel acte."
FROZEN_SQLSTATE = "23001"


def sql_literal(text: str) -> str:
    """`text` as a SQL string literal inside a pgtrigger.Func (whose braces are format fields)."""
    return "'" + text.replace("'", "''").replace("{", "{{").replace("}", "}}") + "'"


def sql_raise(message: str, detail_sql: str = "''", hint: str = FROZEN_HINT) -> str:
    """PL/pgSQL refusing the statement: `message`, then the SQL expression `detail_sql`."""
    # 23001 restrict_violation, as for a RESTRICT foreign key: Django raises IntegrityError.
    return (
        f"RAISE EXCEPTION USING ERRCODE = {sql_literal(FROZEN_SQLSTATE)}, "
        f"MESSAGE = {sql_literal(message)} || {detail_sql}, HINT = {sql_literal(hint)};"
    )


def sql_day(expression: str) -> str:
    """A date column as « 13/06/2023 » in a trigger's message."""
    return f"to_char({expression}, 'DD/MM/YYYY')"


RETURN_ROW = "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"


def history_tracked(
    model_name: str, *, exclude: list[str] | None = None
) -> Callable[[type[_M]], type[_M]]:
    """Database-side history: insert, update (row before AND after) and delete, with context.

    The middleware's context (user, URL) is attached to every event; event tables are
    append-only, so history itself cannot be rewritten.
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        # Row before the update, then row after: consecutive events give « avant → après ».
        pghistory.UpdateEvent("before_update", row=pghistory.Old),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=model_name,
        exclude=exclude,
        obj_field=pghistory.ObjForeignKey(related_name="events", related_query_name="event"),
        # pghistory's append_only=True, as a trigger that `pgtrigger.ignore` cannot skip.
        append_only=False,
        meta={
            "triggers": [
                AppendOnly(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
            ]
        },
    )


class UnbypassableTriggerSql(compiler.UpsertTriggerSql):
    """django-pgtrigger's installation SQL without its bypass.

    pgtrigger's template starts every trigger function by asking `_pgtrigger_should_ignore`
    whether the session's `pgtrigger.ignore` variable names the trigger, and returns early
    if so: any SQL session could skip the freeze with `SET LOCAL pgtrigger.ignore = …`.
    This template is the same minus that check. Migrations name this class: never edit the
    template in place (add a new class instead), as pgtrigger does for its own.
    """

    def get_template(self) -> str:
        return """
            CREATE OR REPLACE FUNCTION {pgid}()
            RETURNS TRIGGER AS $$
                {declare}
                BEGIN
                    {func}
                END;
            $$ LANGUAGE plpgsql;

            DROP TRIGGER IF EXISTS {pgid} ON {table};
            CREATE {constraint} TRIGGER {pgid}
                {when} {operation} ON {table}
                {timing}
                {referencing}
                FOR EACH {level} {condition}
                EXECUTE PROCEDURE {execute};

            COMMENT ON TRIGGER {pgid} ON {table} IS '{hash}';
        """


def unbypassable(compiled: compiler.Trigger) -> compiler.Trigger:
    """A compiled django-pgtrigger trigger, installed without its bypass."""
    return compiler.Trigger(name=compiled.name, sql=UnbypassableTriggerSql(**compiled.sql.kwargs))


class FreezeTrigger(pgtrigger.Trigger):
    """A trigger that keeps signed acts frozen: no session variable can skip it."""

    def compile(self, model: models.Model) -> compiler.Trigger:
        return unbypassable(super().compile(model))


class AppendOnly(pgtrigger.Protect):
    """django-pghistory's protection of an event table, without the bypass either."""

    def compile(self, model: models.Model) -> compiler.Trigger:
        return unbypassable(super().compile(model))


def rank_sql(column: str, ranks: dict[str, int]) -> str:
    cases = " ".join(f"WHEN {sql_literal(status)} THEN {rank}" for status, rank in ranks.items())
    return f"(CASE {column} {cases} ELSE -1 END)"


def signed_act_frozen(
    name: str, *, ranks: dict[str, int], mutable: list[str], subject: str, subject_sql: str
) -> pgtrigger.Trigger:
    """Refuses to delete a signed act, to change its texts and facts, or to move it backwards.

    `ranks` orders the statuses (rank 0 and below: not signed yet); `mutable` lists the
    lifecycle columns that may still change (publication, prefecture…).
    """
    signed = f"{rank_sql('OLD.status', ranks)} > 0"
    columns = "ARRAY[" + ", ".join(sql_literal(c) for c in mutable) + "]"
    return FreezeTrigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        func=pgtrigger.Func(
            f"IF {signed} THEN "
            "IF TG_OP = 'DELETE' THEN "
            + sql_raise(
                FACTS_FROZEN_MESSAGE + " " + subject,
                subject_sql + " || ' : un acte signé ne peut être supprimé.'",
            )
            + " END IF; "
            f"IF (to_jsonb(NEW) - {columns}) IS DISTINCT FROM (to_jsonb(OLD) - {columns}) THEN "
            + sql_raise(FACTS_FROZEN_MESSAGE + " " + subject, subject_sql + " || '.'")
            + " END IF; "
            f"IF {rank_sql('NEW.status', ranks)} < {rank_sql('OLD.status', ranks)} THEN "
            + sql_raise(
                FACTS_FROZEN_MESSAGE + " " + subject,
                subject_sql + " || ' : un acte signé ne revient pas à un état antérieur.'",
            )
            + " END IF; END IF; "
            + RETURN_ROW
        ),
    )


def insert_only(name: str, message: str, hint: str) -> pgtrigger.Trigger:
    """Refuses every UPDATE and DELETE of a table whose rows are written once."""
    return FreezeTrigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        func=pgtrigger.Func(sql_raise(message, hint=hint) + " " + RETURN_ROW),
    )


# --- The database's refusal, for the user ------------------------------------------------


def frozen_refusal(exc: BaseException) -> str | None:
    """The French message of an immutability trigger's refusal, or None for another error."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if getattr(cause, "sqlstate", None) != FROZEN_SQLSTATE or diag is None:
        return None
    return str(diag.message_primary or "")


@contextmanager
def refused_when_frozen() -> Iterator[None]:
    """Turn a write refused by the immutability triggers into a French ValidationError."""
    try:
        # A savepoint: the refused statement must not poison the caller's transaction.
        with transaction.atomic():
            yield
    except (IntegrityError, InternalError) as exc:
        message = frozen_refusal(exc)
        if message is None:
            raise
        raise ValidationError(message) from exc
