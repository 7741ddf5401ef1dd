"""Facts of a deliberation: the extrait du registre, and the acts the PV reproduces in full.

Read-only, in a fixed number of queries. Presence and quorum come from `meetings.facts`,
the vote's wording from `deliberations.majority.result_phrase`, every other phrase from
`pma_governance.lib.wording`.
"""

from __future__ import annotations

from typing import Any

from deliberations.models import Deliberation, Vote
from deliberations.statements import vote_context, votes_with_names
from meetings.facts import SessionRoll, item_figures, member_key, session_roll
from meetings.models import AgendaItem, Session
from pma_governance.documents.contexts.common import (
    attendance_context,
    doc_meta,
    heading_context,
    load_session,
    signatures_context,
)
from pma_governance.lib import wording as w
from pma_governance.lib.richtext import normalize


def dispositif_blocks(text: str) -> list[dict[str, Any]]:
    """The dispositif typed as lines: « - » lines become a list, decisions (AUTORISE…) stand out."""
    blocks: list[dict[str, Any]] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[:2] in ("- ", "• ", "– "):
            if not blocks or blocks[-1]["kind"] != "list":
                blocks.append({"kind": "list", "items": []})
            blocks[-1]["items"].append(line[2:].strip())
            continue
        verb = line.split(" ", 1)[0]
        blocks.append({"kind": "paragraph", "text": line, "decision": verb.isupper()})
    return blocks


def _visa_text(visa: Any) -> str:
    if isinstance(visa, dict):
        return str(visa.get("text", ""))
    return str(visa)


def act_context(
    deliberation: Deliberation,
    *,
    session: Session,
    item: AgendaItem,
    roll: SessionRoll,
    vote: Vote | None,
) -> dict[str, Any]:
    """The full act: number, title, attendance at its item, visas, considérants, vote, dispositif."""
    body = session.body
    not_voting = [member_key(m) for m in vote.not_voting.all()] if vote is not None else []
    figures = item_figures(item, roll, not_voting)
    vote_facts = vote_context(vote) if vote is not None else None
    number = deliberation.number or ""
    receipt_line = w.prefecture_receipt(
        deliberation.prefecture_received_on, deliberation.prefecture_identifier
    )
    return {
        "number": number,
        "heading": w.deliberation_heading(number) if number else "Projet de délibération",
        "title": deliberation.title,
        "title_upper": w.upper(deliberation.title),
        "attendance": attendance_context(
            session,
            roll,
            position=item.position,
            threshold=figures.quorum.threshold,
            present_or_represented=figures.present + figures.represented,
            reconvened=figures.quorum.reconvened,
        ),
        "visas": [w.visa_line(t) for t in map(_visa_text, deliberation.visas or []) if t.strip()],
        "considerants": normalize(deliberation.considerants),
        "debate": normalize(item.debate_summary),
        "recourse": w.recourse_mention(body.administrative_court),
        "after_deliberation": w.AFTER_DELIBERATION,
        "vote": vote_facts,
        "rejection": w.rejection_sentence(body.assembly_name)
        if vote_facts is not None and not vote_facts["adopted"]
        else "",
        "dispositif": dispositif_blocks(deliberation.dispositif),
        "done_at": w.done_at(body.seat_city, session.date),
        "receipt": (
            {"line": receipt_line, "identifier": deliberation.prefecture_identifier}
            if receipt_line
            else None
        ),
        "published": (
            f"Publiée le {w.numeric_date(deliberation.published_on)}"
            if deliberation.published_on
            else ""
        ),
    }


def deliberation_context(deliberation: Deliberation | int) -> dict[str, Any]:
    """The extrait du registre des délibérations of one act (DESIGN §5)."""
    pk = deliberation if isinstance(deliberation, int) else deliberation.pk
    act = Deliberation.objects.select_related("item").get(pk=pk)
    item = act.item
    if item is None:
        raise ValueError(
            f"La délibération {act.number or act.title} n'est rattachée à aucune séance."
        )
    session = load_session(item.session_id)
    item.session = session  # item_figures reads the session's body and reconvening
    vote = votes_with_names(Vote.objects.filter(item=item)).first()
    roll = session_roll(session)
    facts = act_context(act, session=session, item=item, roll=roll, vote=vote)
    label = facts["heading"]
    return {
        "doc": doc_meta(session, label, label),
        "heading": heading_context(session),
        "register": "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS",
        "act": facts,
        "signatures": signatures_context(session),
        # Until it is signed, every page of the act says it is a draft (« PROJET »).
        "draft_mark": act.status in (Deliberation.Status.DRAFT, Deliberation.Status.VOTED),
    }
