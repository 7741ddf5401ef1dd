"""Writes of the meetings app: every change goes through the rules, in one transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from meetings.facts import SessionRoll, member_key, session_roll
from meetings.models import AgendaItem, Attendance, ProcesVerbal, Proxy, Session
from meetings.proxies import ProxyRules, check_proxies
from meetings.quorum import reconvened_delay_ok
from meetings.roll import RuleProblem
from meetings.substitutes import check_substitutes
from members.models import Body, Mandate


def _problems_error(problems: list[RuleProblem]) -> ValidationError:
    return ValidationError([p.message for p in problems])


def proxy_rules(body: Body) -> ProxyRules:
    return ProxyRules(max_per_holder=body.max_proxies_per_holder, substitutes=body.substitutes_sit)


def roll_problems(session: Session, roll: SessionRoll | None = None) -> list[RuleProblem]:
    """Every breach of the substitute and proxy rules in a session's roll (DESIGN §4.2-3)."""
    roll = roll or session_roll(session)
    return check_substitutes(
        roll.entries, substitutes_allowed=session.body.substitutes_sit, proxies=roll.proxies
    ) + check_proxies(roll.entries, roll.proxies, proxy_rules(session.body))


def _lock_session(session: Session) -> Session:
    # Two secretaries editing one roll at once must not both pass the rules.
    return Session.objects.select_for_update().select_related("body").get(pk=session.pk)


def _ensure_roll_valid(session: Session) -> None:
    problems = roll_problems(session)
    if problems:
        raise _problems_error(problems)


def _ensure_mandate_of_body(session: Session, mandate: Mandate, label: str) -> None:
    if mandate.body_id != session.body_id or not mandate.is_open_on(session.date):
        raise ValidationError(
            f"{mandate.person.full_name} n'a pas de mandat en cours dans cette assemblée "
            f"le {session.date:%d/%m/%Y} ({label})."
        )


@transaction.atomic
def session_create(
    *,
    body: Body,
    date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    place: str = "",
    kind: str = Session.Kind.ORDINARY,
    president: Mandate | None = None,
    secretary: Mandate | None = None,
    reconvenes: Session | None = None,
    status: str = Session.Status.PLANNED,
) -> Session:
    if Session.objects.filter(body=body, date=date).exists():
        raise ValidationError(f"Une séance existe déjà le {date:%d/%m/%Y} pour cette assemblée.")
    if reconvenes is not None and not reconvened_delay_ok(reconvenes.date, date):
        # CGCT L2121-17: reconvened at least three days after the failed session.
        raise ValidationError(
            "Une séance reconvoquée faute de quorum doit se tenir au moins trois jours "
            f"après la séance du {reconvenes.date:%d/%m/%Y}."
        )
    session = Session(
        body=body,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=place or body.address,
        kind=kind,
        president=president,
        secretary=secretary,
        reconvenes=reconvenes,
        status=status,
    )
    session.full_clean()
    session.save()
    ProcesVerbal.objects.create(session=session)
    return session


@transaction.atomic
def agenda_item_add(
    *,
    session: Session,
    kind: str,
    title: str,
    rapporteur: Mandate | None = None,
    position: int | None = None,
    carried_over: bool = False,
    adopts_pv: ProcesVerbal | None = None,
) -> AgendaItem:
    session = _lock_session(session)
    last = session.items.aggregate(m=Max("position"))["m"] or 0
    if position is None or position > last:
        position = last + 1
    else:
        session.items.filter(position__gte=position).update(position=F("position") + 1)
    if carried_over and session.reconvenes_id is None:
        raise ValidationError(
            "Seule une séance reconvoquée faute de quorum peut reprendre des points reportés."
        )
    item = AgendaItem(
        session=session,
        position=position,
        kind=kind,
        title=title,
        rapporteur=rapporteur,
        carried_over=carried_over,
        adopts_pv=adopts_pv,
    )
    item.full_clean(validate_constraints=False)
    item.save()
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, position: int) -> AgendaItem:
    session = _lock_session(item.session)
    items = list(session.items.order_by("position"))
    moved = next(i for i in items if i.pk == item.pk)
    items.remove(moved)
    position = max(1, min(position, len(items) + 1))
    items.insert(position - 1, moved)
    # The unique position constraint is deferred, so the renumbering may cross itself.
    for index, current in enumerate(items, start=1):
        if current.position != index:
            AgendaItem.objects.filter(pk=current.pk).update(position=index)
    moved.refresh_from_db()
    return moved


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem) -> None:
    session = _lock_session(item.session)
    if hasattr(item, "vote"):
        raise ValidationError(
            f"Le point « {item.title} » a déjà été voté : il ne peut être retiré."
        )
    deliberation = getattr(item, "deliberation", None)
    if deliberation is not None:
        deliberation.item = None
        deliberation.save(update_fields=["item"])
    position = item.position
    item.delete()
    session.items.filter(position__gt=position).update(position=F("position") - 1)


@transaction.atomic
def attendance_set(
    *,
    session: Session,
    mandate: Mandate,
    status: str,
    seated: bool = False,
    replaces: Mandate | None = None,
) -> Attendance:
    """Record a member as present, excused or absent; a present suppléant may sit."""
    session = _lock_session(session)
    _ensure_mandate_of_body(session, mandate, "présence")
    if status != Attendance.Status.PRESENT:
        seated, replaces = False, None
        # A member who is no longer present holds no proxy.
        held = Proxy.objects.filter(session=session, holder=mandate, revoked_at__isnull=True)
        if held.exists():
            givers = ", ".join(
                p.giver.person.full_name for p in held.select_related("giver__person")
            )
            raise ValidationError(
                f"{mandate.person.full_name} détient le pouvoir de {givers} : "
                "réattribuez ou révoquez ce pouvoir avant de le déclarer absent."
            )
    attendance, _ = Attendance.objects.get_or_create(session=session, mandate=mandate)
    attendance.status = status
    attendance.seated = seated
    attendance.replaces = replaces
    if status != Attendance.Status.PRESENT:
        attendance.arrived_at = attendance.left_at = None
    attendance.full_clean(validate_constraints=False)
    attendance.save()
    _ensure_roll_valid(session)
    return attendance


@transaction.atomic
def presence_change(
    *,
    session: Session,
    mandate: Mandate,
    arrived_at: AgendaItem | None = None,
    left_at: AgendaItem | None = None,
) -> Attendance:
    """Record a late arrival (present from an item on) or an early departure."""
    session = _lock_session(session)
    for item in (arrived_at, left_at):
        if item is not None and item.session_id != session.pk:
            raise ValidationError(f"Le point « {item.title} » n'est pas de cette séance.")
    if arrived_at and left_at and left_at.position <= arrived_at.position:
        raise ValidationError(
            f"{mandate.person.full_name} ne peut partir avant le point où il est arrivé."
        )
    attendance, _ = Attendance.objects.get_or_create(session=session, mandate=mandate)
    attendance.status = Attendance.Status.PRESENT
    attendance.arrived_at = arrived_at
    attendance.left_at = left_at
    attendance.save()
    _ensure_roll_valid(session)
    return attendance


@transaction.atomic
def proxy_grant(
    *,
    session: Session,
    giver: Mandate,
    holder: Mandate,
    received_on: dt.date | None = None,
    from_item: AgendaItem | None = None,
    carried_from: Proxy | None = None,
    illness: bool = False,
) -> Proxy:
    """Record a pouvoir; refused with the rule broken (CGCT L2121-20)."""
    session = _lock_session(session)
    _ensure_mandate_of_body(session, giver, "mandant")
    _ensure_mandate_of_body(session, holder, "mandataire")
    if giver.pk == holder.pk:
        raise ValidationError(f"{giver.person.full_name} ne peut se donner procuration à lui-même.")
    existing = Proxy.objects.filter(session=session, giver=giver, revoked_at__isnull=True)
    if existing.exists():
        raise ValidationError(
            f"{giver.person.full_name} a déjà donné procuration pour cette séance : "
            "révoquez d'abord le pouvoir existant."
        )
    # A giver is absent: make sure an attendance row says so (excused by default).
    attendance, created = Attendance.objects.get_or_create(
        session=session, mandate=giver, defaults={"status": Attendance.Status.EXCUSED}
    )
    if not created and attendance.status == Attendance.Status.ABSENT:
        attendance.status = Attendance.Status.EXCUSED
        attendance.save(update_fields=["status"])
    proxy = Proxy(
        session=session,
        giver=giver,
        holder=holder,
        received_on=received_on,
        from_item=from_item,
        carried_from=carried_from,
        illness=illness,
    )
    proxy.full_clean(validate_constraints=False)
    proxy.save()
    _ensure_roll_valid(session)
    return proxy


@transaction.atomic
def proxy_revoke(*, proxy: Proxy, at: dt.datetime | None = None) -> Proxy:
    from django.utils import timezone

    _lock_session(proxy.session)
    proxy.revoked_at = at or timezone.now()
    proxy.save(update_fields=["revoked_at"])
    return proxy


def legal_holder_ids(session: Session, giver: Mandate) -> list[int]:
    """Mandates that may legally hold the giver's proxy (for the holder picker)."""
    from meetings.proxies import legal_holders

    roll = session_roll(session)
    return [
        int(member_id)
        for member_id in legal_holders(
            roll.entries, roll.proxies, member_key(giver), proxy_rules(session.body)
        )
    ]
