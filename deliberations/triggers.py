"""The database triggers of the deliberations tables: the freeze of votes with their session,
the deliberation's search vector. The generic builders are in pma_governance.lib.db."""

from __future__ import annotations

import pgtrigger

from pma_governance.lib.db import (
    FACTS_FROZEN_MESSAGE,
    RETURN_ROW,
    FreezeTrigger,
    sql_day,
    sql_literal,
    sql_raise,
)
from pma_governance.lib.fulltext import number_words_sql, weighted_sql

SIGNED_STATUSES = ("signed", "transmitted", "published")
DELIBERATION_STATUS_RANKS = {"draft": 0, "voted": 0, "signed": 1, "transmitted": 2, "published": 3}
SIGNED_SQL = "(" + ", ".join(sql_literal(s) for s in SIGNED_STATUSES) + ")"


def _vote_session_sql(item_id_sql: str) -> str:
    """PL/pgSQL reading a vote's session (its day, its freeze) and its item's title."""
    return (
        'SELECT s."date", s.facts_frozen_at, i.title INTO session_day, frozen_at, item_title '
        "FROM meetings_agendaitem i JOIN meetings_session s ON s.id = i.session_id "
        f"WHERE i.id = {item_id_sql} FOR KEY SHARE OF s; "
    )


def _vote_frozen_raise() -> str:
    return sql_raise(
        FACTS_FROZEN_MESSAGE + " Vote sur « ",
        "item_title || ' » (séance du ' || " + sql_day("session_day") + " || ').'",
    )


def _vote_added_raise() -> str:
    return sql_raise(
        FACTS_FROZEN_MESSAGE + " Vote sur « ",
        "item_title || ' » : son acte ou le procès-verbal de la séance du ' || "
        + sql_day("session_day")
        + " || ' est signé, rien ne peut y être ajouté.'",
    )


def frozen_vote() -> pgtrigger.Trigger:
    """Refuses to change or delete a vote once its session's facts are frozen, or to add one
    to a session whose PV is signed (it states every vote)."""
    return FreezeTrigger(
        name="vote_facts_frozen",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[
            ("session_day", "date"),
            ("frozen_at", "timestamptz"),
            ("item_title", "text"),
            ("pv_status", "text"),
        ],
        func=pgtrigger.Func(
            "IF TG_OP <> 'INSERT' THEN " + _vote_session_sql("OLD.item_id") + "END IF; "
            "IF frozen_at IS NULL AND TG_OP = 'UPDATE' THEN "
            + _vote_session_sql("NEW.item_id")
            + "END IF; "
            "IF frozen_at IS NOT NULL THEN " + _vote_frozen_raise() + " END IF; "
            "IF TG_OP = 'INSERT' THEN "
            'SELECT s."date", i.title, pv.status INTO session_day, item_title, pv_status '
            "FROM meetings_agendaitem i JOIN meetings_session s ON s.id = i.session_id "
            "LEFT JOIN meetings_procesverbal pv ON pv.session_id = s.id "
            "WHERE i.id = NEW.item_id FOR KEY SHARE OF s; "
            "IF pv_status IS NOT NULL AND pv_status <> 'draft' THEN "
            + _vote_added_raise()
            + " END IF; END IF; "
            + RETURN_ROW
        ),
    )


def frozen_vote_detail(name: str) -> pgtrigger.Trigger:
    """The same rule for a vote's named votes and non-participants (rows with a `vote_id`)."""
    by_vote = (
        'SELECT s."date", s.facts_frozen_at, i.title INTO session_day, frozen_at, item_title '
        "FROM deliberations_vote v JOIN meetings_agendaitem i ON i.id = v.item_id "
        "JOIN meetings_session s ON s.id = i.session_id "
        "WHERE v.id = {vote} FOR KEY SHARE OF s; "
    )
    return FreezeTrigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[
            ("session_day", "date"),
            ("frozen_at", "timestamptz"),
            ("item_title", "text"),
            ("pv_status", "text"),
            ("act_status", "text"),
        ],
        func=pgtrigger.Func(
            "IF TG_OP <> 'INSERT' THEN " + by_vote.format(vote="OLD.vote_id") + "END IF; "
            "IF frozen_at IS NULL AND TG_OP = 'UPDATE' THEN "
            + by_vote.format(vote="NEW.vote_id")
            + "END IF; "
            "IF frozen_at IS NOT NULL THEN " + _vote_frozen_raise() + " END IF; "
            "IF TG_OP = 'INSERT' THEN "
            'SELECT s."date", i.title, pv.status, d.status '
            "INTO session_day, item_title, pv_status, act_status "
            "FROM deliberations_vote v JOIN meetings_agendaitem i ON i.id = v.item_id "
            "JOIN meetings_session s ON s.id = i.session_id "
            "LEFT JOIN meetings_procesverbal pv ON pv.session_id = s.id "
            "LEFT JOIN deliberations_deliberation d ON d.item_id = i.id "
            "WHERE v.id = NEW.vote_id FOR KEY SHARE OF s; "
            "IF (pv_status IS NOT NULL AND pv_status <> 'draft') "
            f"OR act_status IN {SIGNED_SQL} THEN "
            + _vote_added_raise()
            + " END IF; END IF; "
            + RETURN_ROW
        ),
    )


def deliberation_search_vector() -> pgtrigger.Trigger:
    """Keeps a deliberation's search vector: objet and number (A), considérants and
    dispositif (B), the debate on its item (C). Computed again when one of them changes or
    the vector is reset to NULL."""
    return pgtrigger.Trigger(
        name="deliberation_search_vector",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        declare=[("stale", "boolean"), ("debate", "text")],
        func=pgtrigger.Func(
            "IF TG_OP = 'INSERT' THEN stale := true; ELSE "
            "stale := NEW.search_vector IS NULL "
            "OR NEW.search_vector IS DISTINCT FROM OLD.search_vector "
            "OR NEW.title IS DISTINCT FROM OLD.title "
            "OR NEW.number IS DISTINCT FROM OLD.number "
            "OR NEW.considerants IS DISTINCT FROM OLD.considerants "
            "OR NEW.dispositif IS DISTINCT FROM OLD.dispositif "
            "OR NEW.item_id IS DISTINCT FROM OLD.item_id; END IF; "
            "IF stale THEN "
            "SELECT i.debate_summary INTO debate FROM meetings_agendaitem i "
            "WHERE i.id = NEW.item_id; "
            "NEW.search_vector := "
            + weighted_sql("NEW.title", "A")
            + " || "
            + weighted_sql(number_words_sql("NEW.number"), "A")
            + " || "
            + weighted_sql("concat_ws(' ', NEW.considerants, NEW.dispositif)", "B")
            + " || "
            + weighted_sql("debate", "C")
            + "; END IF; RETURN NEW;"
        ),
    )


def annex_frozen_with_act() -> pgtrigger.Trigger:
    """Refuses to change an annex of a signed act, or to add one once the act is sent."""
    return FreezeTrigger(
        name="annex_frozen_with_act",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("act_status", "text"), ("act_number", "text")],
        func=pgtrigger.Func(
            "IF TG_OP <> 'INSERT' THEN "
            "SELECT d.status, d.number INTO act_status, act_number "
            "FROM deliberations_deliberation d WHERE d.id = OLD.deliberation_id "
            "FOR KEY SHARE; "
            f"IF act_status IN {SIGNED_SQL} THEN "
            + sql_raise(
                FACTS_FROZEN_MESSAGE + " Annexes de la délibération n° ",
                "act_number || ' : figées avec l''acte signé.'",
            )
            + " END IF; END IF; "
            "IF TG_OP <> 'DELETE' THEN "
            "SELECT d.status, d.number INTO act_status, act_number "
            "FROM deliberations_deliberation d WHERE d.id = NEW.deliberation_id "
            "FOR KEY SHARE; "
            f"IF TG_OP = 'UPDATE' AND act_status IN {SIGNED_SQL} THEN "
            + sql_raise(
                FACTS_FROZEN_MESSAGE + " Annexes de la délibération n° ",
                "act_number || ' : figées avec l''acte signé.'",
            )
            + " END IF; "
            "IF act_status IN ('transmitted', 'published') THEN "
            + sql_raise(
                "La délibération n° ",
                "act_number || ' est transmise en préfecture : aucune annexe ne peut "
                "plus lui être ajoutée.'",
            )
            + " END IF; END IF; "
            + RETURN_ROW
        ),
    )
