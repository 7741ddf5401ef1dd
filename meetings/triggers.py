"""The database triggers of the meetings tables: the freeze of a session's facts, the PV's
search vector. The generic builders (messages, SQL literals, history) are in
pma_governance.lib.db."""

from __future__ import annotations

import pgtrigger

from pma_governance.lib.db import (
    FACTS_FROZEN_MESSAGE,
    RETURN_ROW,
    FreezeTrigger,
    sql_day,
    sql_raise,
)
from pma_governance.lib.fulltext import weighted_sql

PV_STATUS_RANKS = {"draft": 0, "signed": 1, "adopted": 2, "published": 3}


def signed_act_needs_frozen_session(
    name: str, *, session_sql: str, signed_sql: str, message: str
) -> pgtrigger.Trigger:
    """At commit, refuses a signed act whose session's facts were not frozen with it."""
    return FreezeTrigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update,
        timing=pgtrigger.Deferred,
        func=pgtrigger.Func(
            f"IF {signed_sql} AND EXISTS (SELECT 1 FROM meetings_session s "
            f"WHERE s.id = {session_sql} AND s.facts_frozen_at IS NULL) THEN "
            + sql_raise(message)
            + " END IF; RETURN NULL;"
        ),
    )


def frozen_session_children(name: str, what: str) -> pgtrigger.Trigger:
    """Refuses any write to `what` (attendances, proxies…) of a session whose facts are frozen."""
    return FreezeTrigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("session_day", "date"), ("frozen_at", "timestamptz")],
        func=pgtrigger.Func(
            # KEY SHARE: a signature in progress (FOR UPDATE on the session) and this write
            # wait for each other, so no change slips in between the snapshot and the freeze.
            "IF TG_OP <> 'INSERT' THEN "
            'SELECT s."date", s.facts_frozen_at INTO session_day, frozen_at '
            "FROM meetings_session s WHERE s.id = OLD.session_id FOR KEY SHARE; "
            "END IF; "
            "IF frozen_at IS NULL AND TG_OP <> 'DELETE' THEN "
            'SELECT s."date", s.facts_frozen_at INTO session_day, frozen_at '
            "FROM meetings_session s WHERE s.id = NEW.session_id FOR KEY SHARE; "
            "END IF; "
            "IF frozen_at IS NOT NULL THEN "
            + sql_raise(
                FACTS_FROZEN_MESSAGE + f" {what} de la séance du ",
                sql_day("session_day") + " || '.'",
            )
            + " END IF; "
            + RETURN_ROW
        ),
    )


# Setting a stored search vector to NULL makes its row's trigger compute it again.
PV_SEARCH_RESET = "UPDATE meetings_procesverbal SET search_vector = NULL"


def pv_search_vector() -> pgtrigger.Trigger:
    """Keeps a PV's search vector: its session's item titles (B), then its texts and the
    debates (C). Computed again when a text changes or the vector is reset to NULL."""
    return pgtrigger.Trigger(
        name="pv_search_vector",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        declare=[("stale", "boolean"), ("item_titles", "text"), ("debates", "text")],
        func=pgtrigger.Func(
            "IF TG_OP = 'INSERT' THEN stale := true; ELSE "
            "stale := NEW.search_vector IS NULL "
            "OR NEW.search_vector IS DISTINCT FROM OLD.search_vector "
            "OR NEW.session_id <> OLD.session_id "
            "OR NEW.preamble IS DISTINCT FROM OLD.preamble "
            "OR NEW.closing_text IS DISTINCT FROM OLD.closing_text; END IF; "
            "IF stale THEN "
            "SELECT string_agg(i.title, ' ' ORDER BY i.position), "
            "string_agg(i.debate_summary, ' ' ORDER BY i.position) INTO item_titles, debates "
            "FROM meetings_agendaitem i WHERE i.session_id = NEW.session_id; "
            "NEW.search_vector := "
            + weighted_sql("item_titles", "B")
            + " || "
            + weighted_sql("concat_ws(' ', NEW.preamble, debates, NEW.closing_text)", "C")
            + "; END IF; RETURN NEW;"
        ),
    )
