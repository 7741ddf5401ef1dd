"""The « bordereau d'envoi »: the register of one convocation sending and of its receipts.

It proves, member by member, that the legal delay of clear days was met (CGCT L2121-10,
L2121-12): when his copy left, how many clear days it left, whether he opened his link and
acknowledged it; and lists the paper copies to mail. Rendered at sending and stored in
`ConvocationDispatch.register_pdf` (kept with the session); rendered again on demand with
the receipts recorded so far.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from meetings.convening_models import ConvocationDispatch, ConvocationReceipt
from meetings.convocation import clear_days_between, french_date, french_when
from meetings.models import Session
from pma_governance.lib import wording
from pma_governance.lib.pdf import render_pdf

TEMPLATE = "meetings/pdf/bordereau.html"


def receipt_clear_days(receipt: ConvocationReceipt, session: Session) -> int:
    """Clear days left by this member's copy: from his e-mail, or the sending for paper."""
    moment = receipt.sent_at or receipt.dispatch.sent_at
    return clear_days_between(timezone.localdate(moment), session.date)


def moment(value: dt.datetime | None) -> str:
    """« 06/06/2023 11:00 » in local time, or « — »."""
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else "—"


def _quality(receipt: ConvocationReceipt) -> str:
    mandate = receipt.mandate
    if mandate.role == "titulaire":
        quality = "Titulaire"
    else:
        quality = "Suppléante" if mandate.person.civility == "Mme" else "Suppléant"
    if mandate.entity is not None:
        quality += f" ({mandate.entity.short_name})"
    if mandate.office:
        quality += f", {mandate.office.lower()}"
    return quality


def _row(receipt: ConvocationReceipt, session: Session, delay: int) -> dict[str, Any]:
    clear = receipt_clear_days(receipt, session)
    paper = receipt.channel == ConvocationReceipt.Channel.PAPER
    if paper:
        address = "courrier postal" + (f" (copie à {receipt.email})" if receipt.email else "")
    else:
        address = receipt.email
    return {
        "name": f"{receipt.mandate.person.civility} {receipt.mandate.person.full_name}",
        "quality": _quality(receipt),
        "channel": receipt.get_channel_display(),  # type: ignore[attr-defined]
        "address": address,
        "sent_at": moment(receipt.sent_at) if receipt.sent_at else "à poster",
        "clear_days": clear,
        "delay_met": "oui" if clear >= delay else "non",
        "opened_at": moment(receipt.opened_at),
        "acknowledged_at": moment(receipt.acknowledged_at),
        "paper": paper,
        "email": receipt.email,
    }


def bordereau_context(
    dispatch: ConvocationDispatch, *, at_sending: bool = False, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The bordereau's facts: the sending, the delay, each member's copy (one query)."""
    session = dispatch.session
    body = session.body
    receipts = list(
        dispatch.receipts.select_related("mandate__person", "mandate__entity", "dispatch")
    )
    receipts.sort(key=lambda r: (r.mandate.role != "titulaire", r.mandate.person.last_name, r.pk))
    rows = [_row(r, session, dispatch.delay_days) for r in receipts]
    user = dispatch.sent_by
    sender = (user.get_full_name() or user.get_username()) if user is not None else ""
    title = "Bordereau d'envoi de la convocation"
    of_body = f"{body.assembly_name} {wording.of_the(body.name)}"
    return {
        "doc": {
            "title": f"{title} — {of_body} — séance du {wording.plain_date(session.date)}",
            "author": body.name,
            "subject": title,
            "running_title": f"Séance du {wording.plain_date(session.date)}",
            "footer": title,
        },
        "heading": {
            "assembly": wording.upper(of_body),
            "session": wording.upper_session_heading(session.date),
        },
        "title": "BORDEREAU D'ENVOI DE LA CONVOCATION",
        "when": french_when(session.date, session.start_time),
        "place": session.place,
        "delay_days": dispatch.delay_days,
        "sent": moment(dispatch.sent_at),
        "sent_on": french_date(timezone.localdate(dispatch.sent_at), weekday=False),
        "sender": sender,
        "clear_days": dispatch.clear_days,
        "late": dispatch.late,
        "state": (
            f"Établi à l'envoi, le {moment(dispatch.sent_at)}."
            if at_sending
            else f"État au {moment(now or timezone.now())} : ouvertures et accusés de réception "
            "enregistrés à cette date."
        ),
        "rows": rows,
        "paper": [r for r in rows if r["paper"]],
        "totals": {
            "members": len(rows),
            "emails": sum(1 for r in rows if r["email"]),
            "paper": sum(1 for r in rows if r["paper"]),
            "opened": sum(1 for r in receipts if r.opened_at),
            "acknowledged": sum(1 for r in receipts if r.acknowledged_at),
            "delay_met": sum(1 for r in rows if r["delay_met"] == "oui"),
        },
    }


def bordereau_pdf(
    dispatch: ConvocationDispatch, *, at_sending: bool = False, now: dt.datetime | None = None
) -> bytes:
    return render_pdf(TEMPLATE, bordereau_context(dispatch, at_sending=at_sending, now=now))
