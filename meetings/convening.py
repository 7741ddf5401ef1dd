"""Sending the convocation with proof (CGCT L2121-10, L2121-12): each sending is a
`ConvocationDispatch` with one `ConvocationReceipt` per member convened — sent, opened
through his personal link, acknowledged (« J'ai bien reçu la convocation ») — and the
« bordereau d'envoi » PDF kept with it.

The personal link carries a random token (`secrets.token_urlsafe(32)`); only its SHA-256
is stored, so the database never holds a usable link. It expires a week after the session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from meetings.bordereau import bordereau_pdf, receipt_clear_days
from meetings.convening_models import ConvocationDispatch, ConvocationReceipt
from meetings.convocation import (
    Recipient,
    clear_days_between,
    convened_members,
    convocation_context,
    convocation_message,
    delay_warning,
)
from meetings.models import Mandate, Session
from members.notifications import absolute_url, send_messages

# The personal link stays valid until the end of this many days after the session.
LINK_DAYS_AFTER_SESSION = 7
TOKEN_MAX_LENGTH = 100  # token_urlsafe(32) gives 43 characters; anything longer is not ours


def token_digest(token: str) -> str:
    """What is stored of a personal link: the SHA-256 of its token, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """(token for the e-mail, digest for the database)."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def link_expiry(session: Session) -> dt.datetime:
    """The end of the day, a week after the session (local time)."""
    day = session.date + dt.timedelta(days=LINK_DAYS_AFTER_SESSION)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def receipt_url(token: str) -> str:
    return absolute_url(reverse("convocations:receipt", args=[token]))


@dataclass(frozen=True)
class ConvocationSending:
    """What happened when the convocation was sent."""

    dispatch: ConvocationDispatch
    sent: int
    missing: list[Recipient]
    paper: list[Recipient]
    warning: str
    resent: bool
    only_new: bool = False
    previous_sent_at: dt.datetime | None = None
    emails: list[str] = field(default_factory=list)
    late_members: list[str] = field(default_factory=list)


def _lock(session: Session) -> Session:
    # Two secretaries clicking « Envoyer » at once send one convocation.
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("body", "president__person", "reconvenes")
        .get(pk=session.pk)
    )


def _check_sendable(session: Session, sent_on: dt.date) -> None:
    if session.status in {Session.Status.HELD, Session.Status.CLOSED}:
        raise ValidationError(
            f"La séance du {session.date:%d/%m/%Y} s'est déjà tenue : "
            "la convocation ne peut plus être envoyée."
        )
    if sent_on > session.date:
        raise ValidationError(
            f"La séance du {session.date:%d/%m/%Y} est passée : "
            "la convocation ne peut plus être envoyée."
        )


def _check_no_sending_since(session: Session, previous_dispatch: int | None) -> None:
    latest = (
        ConvocationDispatch.objects.filter(session=session)
        .select_related("sent_by")
        .order_by("-sent_at", "-pk")
        .first()
    )
    if latest is None or latest.pk == previous_dispatch:
        return
    who = latest.sent_by.get_full_name() or latest.sent_by.get_username() if latest.sent_by else ""
    by = f" par {who}" if who else ""
    raise ValidationError(
        f"La convocation vient d'être envoyée{by} le "
        f"{timezone.localtime(latest.sent_at):%d/%m/%Y à %H:%M} : rien n'a été renvoyé. "
        "Vérifiez l'état des envois ci-dessous avant de la renvoyer."
    )


def not_yet_convened(session: Session, members: list[Recipient]) -> list[Recipient]:
    """Members who never received any sending of this session's convocation."""
    done = set(
        ConvocationReceipt.objects.filter(session=session).values_list(
            "mandate__person_id", flat=True
        )
    )
    return [r for r in members if r.mandate.person_id not in done]


@transaction.atomic
def convocation_send(
    *,
    session: Session,
    sent_by: Any = None,
    sent_at: dt.datetime | None = None,
    only_new: bool = False,
    check_previous: bool = False,
    previous_dispatch: int | None = None,
) -> ConvocationSending:
    """Send one e-mail per member convened, and record the sending with its receipts.

    Resending to everyone is allowed (an ordre du jour completed, a date changed): the
    session then records the latest sending. `only_new` convenes only the members who never
    received it (added to the register since), and leaves the session's date of
    convocation as it was. The e-mails leave only once the records are written; a sending
    failure rolls them back. Members who asked for paper or have no address are listed
    for mailing.

    With `check_previous`, the page's form says which sending it showed
    (`previous_dispatch`, None: none yet): when another sending happened since — a
    colleague's click at the same moment, a double click —, nothing is sent again.
    """
    session = _lock(session)
    sent_at = sent_at or timezone.now()
    sent_on = timezone.localdate(sent_at)
    _check_sendable(session, sent_on)
    if check_previous:
        _check_no_sending_since(session, previous_dispatch)
    context = convocation_context(session)
    if not context["items"]:
        raise ValidationError(
            "L'ordre du jour est vide : ajoutez au moins un point avant d'envoyer la convocation."
        )
    members = convened_members(session)
    previous = session.convocation_sent_at
    if only_new:
        if not session.dispatches.exists():
            raise ValidationError(
                "La convocation n'a pas encore été envoyée : envoyez-la d'abord à tous les membres."
            )
        members = not_yet_convened(session, members)
        if not members:
            raise ValidationError(
                "Tous les membres en exercice ont déjà reçu la convocation : personne à "
                "convoquer en plus."
            )
    if not members:
        raise ValidationError(
            "Aucun membre en exercice à convoquer : complétez le registre des membres avant "
            "d'envoyer la convocation."
        )
    body = session.body
    clear = clear_days_between(sent_on, session.date)
    dispatch = ConvocationDispatch.objects.create(
        session=session,
        sent_at=sent_at,
        sent_by=sent_by if getattr(sent_by, "pk", None) else None,
        delay_days=body.convocation_delay_days,
        clear_days=clear,
        late=clear < body.convocation_delay_days,
    )
    expires = link_expiry(session)
    receipts = []
    messages = []
    for recipient in members:
        receipt = ConvocationReceipt(
            dispatch=dispatch,
            session=session,
            mandate=recipient.mandate,
            channel=(
                ConvocationReceipt.Channel.PAPER
                if recipient.by_paper
                else ConvocationReceipt.Channel.EMAIL
            ),
            email=recipient.email,
        )
        if recipient.email:
            token, receipt.token_hash = new_token()
            receipt.expires_at = expires
            receipt.sent_at = sent_at
            messages.append(
                convocation_message(context, recipient, url=receipt_url(token), expires=expires)
            )
        receipts.append(receipt)
    ConvocationReceipt.objects.bulk_create(receipts)
    if not only_new:
        session.convocation_sent_at = sent_at
        session.convened_on = sent_on
        if session.status == Session.Status.PLANNED:
            session.status = Session.Status.CONVENED
        session.full_clean()
        session.save(update_fields=["convocation_sent_at", "convened_on", "status"])
    dispatch.register_pdf = bordereau_pdf(dispatch, at_sending=True)
    dispatch.save(update_fields=["register_pdf"])
    sent = send_messages(messages)
    return ConvocationSending(
        dispatch=dispatch,
        sent=sent,
        missing=[r for r in members if not r.email],
        paper=[r for r in members if r.by_paper],
        warning=delay_warning(sent_on, session.date, body.convocation_delay_days),
        resent=previous is not None and not only_new,
        only_new=only_new,
        previous_sent_at=previous,
        emails=[r.email for r in members if r.email],
        late_members=[r.mandate.person.full_name for r in members] if dispatch.late else [],
    )


# --- The personal link ------------------------------------------------------------------


def receipt_for_token(token: str) -> ConvocationReceipt | None:
    """The receipt a personal link opens, or None (unknown token)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        ConvocationReceipt.objects.select_related(
            "dispatch", "session__body", "mandate__person", "mandate__entity"
        )
        .filter(token_hash=token_digest(token))
        .first()
    )


def receipt_expired(receipt: ConvocationReceipt, now: dt.datetime | None = None) -> bool:
    return receipt.expires_at is not None and (now or timezone.now()) > receipt.expires_at


def _refresh(receipt: ConvocationReceipt) -> ConvocationReceipt:
    receipt.refresh_from_db(fields=["opened_at", "acknowledged_at"])
    return receipt


@transaction.atomic
def receipt_open(receipt: ConvocationReceipt, at: dt.datetime | None = None) -> ConvocationReceipt:
    """Record the first opening of the personal link; later openings change nothing."""
    ConvocationReceipt.objects.filter(pk=receipt.pk, opened_at__isnull=True).update(
        opened_at=at or timezone.now()
    )
    return _refresh(receipt)


@transaction.atomic
def receipt_acknowledge(
    receipt: ConvocationReceipt, at: dt.datetime | None = None
) -> ConvocationReceipt:
    """« J'ai bien reçu la convocation »: recorded once, the first time (idempotent)."""
    if receipt_expired(receipt, at):
        raise ValidationError(
            "Ce lien personnel a expiré : connectez-vous à votre espace pour consulter la séance."
        )
    moment = at or timezone.now()
    ConvocationReceipt.objects.filter(pk=receipt.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=moment, opened_at=Coalesce("opened_at", moment)
    )
    return _refresh(receipt)


def receipt_of_user(session: Session, user: Any) -> ConvocationReceipt | None:
    """The logged-in élu's receipt for the session (the latest sending), or None."""
    if not getattr(user, "pk", None):
        return None
    return (
        ConvocationReceipt.objects.filter(session=session, mandate__person__user=user.pk)
        .select_related("dispatch")
        .order_by("-dispatch__sent_at", "-pk")
        .first()
    )


@transaction.atomic
def acknowledge_as_user(session: Session, user: Any) -> ConvocationReceipt:
    """The élu acknowledges from his space (logged in): his latest receipt."""
    receipt = receipt_of_user(session, user)
    if receipt is None:
        raise ValidationError(
            "Aucune convocation à votre nom pour cette séance : rien à confirmer."
        )
    moment = timezone.now()
    ConvocationReceipt.objects.filter(pk=receipt.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=moment, opened_at=Coalesce("opened_at", moment)
    )
    return _refresh(receipt)


# --- What the secretariat sees ----------------------------------------------------------


def session_dispatches(session: Session) -> QuerySet[ConvocationDispatch]:
    return (
        ConvocationDispatch.objects.filter(session=session)
        .select_related("sent_by")
        .annotate(receipt_count=Count("receipts"))
        .order_by("sent_at", "pk")
    )


@dataclass(frozen=True)
class MemberReceipts:
    """One member across the sendings: first convened (the delay), then read and acknowledged."""

    first: ConvocationReceipt
    latest: ConvocationReceipt
    clear_days: int
    delay_met: bool
    opened_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    sendings: int


def member_receipts(session: Session) -> list[MemberReceipts]:
    """Every member convened, titulaires first, each with his receipts summed up (one query)."""
    receipts = list(
        ConvocationReceipt.objects.filter(session=session)
        .select_related("dispatch", "mandate__person", "mandate__entity")
        .order_by("dispatch__sent_at", "pk")
    )
    by_person: dict[int, list[ConvocationReceipt]] = {}
    for receipt in receipts:
        by_person.setdefault(receipt.mandate.person_id, []).append(receipt)
    rows = []
    for found in by_person.values():
        first = found[0]
        clear = receipt_clear_days(first, session)
        opened = [r.opened_at for r in found if r.opened_at]
        acknowledged = [r.acknowledged_at for r in found if r.acknowledged_at]
        rows.append(
            MemberReceipts(
                first=first,
                latest=found[-1],
                clear_days=clear,
                delay_met=clear >= first.dispatch.delay_days,
                opened_at=min(opened) if opened else None,
                acknowledged_at=min(acknowledged) if acknowledged else None,
                sendings=len(found),
            )
        )

    def order(row: MemberReceipts) -> tuple[bool, str, str]:
        person = row.first.mandate.person
        return (
            row.first.mandate.role == Mandate.Role.SUPPLEANT,
            person.last_name,
            person.first_name,
        )

    return sorted(rows, key=order)
