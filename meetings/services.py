"""Writes of the meetings app: every change goes through the rules, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from meetings.facts import SessionRoll, member_key, quorum_failed, session_roll
from meetings.models import AgendaItem, Attendance, ProcesVerbal, Proxy, Session
from meetings.proxies import ProxyRules, check_proxies, legal_holders
from meetings.quorum import reconvened_delay_ok
from meetings.roll import RuleProblem
from meetings.substitutes import check_substitutes
from members.models import Body, Mandate, Person
from pma_governance.lib.richtext import normalize


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


FROZEN_SESSION = (
    "La séance du {date:%d/%m/%Y} a des actes signés : les faits qu'ils constatent ne peuvent "
    "plus être modifiés (corriger par un erratum)."
)


def _lock_session(session: Session) -> Session:
    # Two secretaries editing one roll at once must not both pass the rules.
    locked = Session.objects.select_for_update().select_related("body").get(pk=session.pk)
    if locked.facts_frozen_at is not None:
        # The database would refuse too (DESIGN §4.6); say it before trying.
        raise ValidationError(FROZEN_SESSION.format(date=locked.date))
    return locked


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
    if reconvenes is not None and not quorum_failed(reconvenes):
        # CGCT L2121-17: only a session that lacked its quorum deliberates again without one.
        raise ValidationError(
            f"La séance du {reconvenes.date:%d/%m/%Y} a réuni son quorum : elle ne peut être "
            "reconvoquée sans condition de quorum."
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
    # The secretariat has set this line: no longer the member's declaration to confirm.
    attendance.declared = False
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
            f"{mandate.person.full_name} ne peut quitter la séance avant le point de son "
            f"arrivée (« {arrived_at.title} »)."
        )
    attendance, _ = Attendance.objects.get_or_create(session=session, mandate=mandate)
    attendance.status = Attendance.Status.PRESENT
    attendance.arrived_at = arrived_at
    attendance.left_at = left_at
    attendance.declared = False
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
        oneself = "elle-même" if giver.person.civility == Person.Civility.MRS else "lui-même"
        raise ValidationError(
            f"{giver.person.full_name} ne peut se donner procuration à {oneself} (CGCT L2121-20)."
        )
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
    if not created and (attendance.status == Attendance.Status.ABSENT or attendance.declared):
        if attendance.status == Attendance.Status.ABSENT:
            attendance.status = Attendance.Status.EXCUSED
        # The secretariat records his pouvoir: his line is no longer a declaration.
        attendance.declared = False
        attendance.save(update_fields=["status", "declared"])
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
    proxy.declared = False
    proxy.save(update_fields=["revoked_at", "declared"])
    # The secretariat has changed the giver's line: no longer his declaration to confirm.
    Attendance.objects.filter(
        session_id=proxy.session_id, mandate_id=proxy.giver_id, declared=True
    ).update(declared=False)
    return proxy


def legal_holder_ids(session: Session, giver: Mandate) -> list[int]:
    """Mandates that may legally hold the giver's proxy (for the holder picker)."""
    roll = session_roll(session)
    return [
        int(member_id)
        for member_id in legal_holders(
            roll.entries, roll.proxies, member_key(giver), proxy_rules(session.body)
        )
    ]


@transaction.atomic
def session_update(
    *,
    session: Session,
    date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    place: str = "",
    kind: str = Session.Kind.ORDINARY,
    president: Mandate | None = None,
    secretary: Mandate | None = None,
    reconvenes: Session | None = None,
) -> Session:
    """Change a session's date, times, place, kind, president, secretary or origin."""
    session = _lock_session(session)
    if session.facts_frozen_at is not None or session.status == Session.Status.CLOSED:
        # DESIGN §4.6: the facts stated by a signed act never change.
        raise ValidationError(
            f"La séance du {session.date:%d/%m/%Y} est close ou un de ses actes est signé : "
            "elle ne peut plus être modifiée."
        )
    if date != session.date and session.status == Session.Status.HELD:
        raise ValidationError(
            f"La séance du {session.date:%d/%m/%Y} s'est tenue : sa date ne peut plus changer."
        )
    if date != session.date and Session.objects.filter(body_id=session.body_id, date=date).exists():
        raise ValidationError(f"Une séance existe déjà le {date:%d/%m/%Y} pour cette assemblée.")
    if session.convened_on is not None and date < session.convened_on:
        raise ValidationError(
            f"La convocation a été envoyée le {session.convened_on:%d/%m/%Y} : la séance ne "
            "peut être fixée avant cette date."
        )
    if reconvenes is not None:
        if reconvenes.body_id != session.body_id or reconvenes.pk == session.pk:
            raise ValidationError("La séance d'origine doit être une autre séance de l'assemblée.")
        if not reconvened_delay_ok(reconvenes.date, date):
            # CGCT L2121-17: reconvened at least three days after the failed session.
            raise ValidationError(
                "Une séance reconvoquée faute de quorum doit se tenir au moins trois jours "
                f"après la séance du {reconvenes.date:%d/%m/%Y}."
            )
        if reconvenes.pk != session.reconvenes_id and not quorum_failed(reconvenes):
            raise ValidationError(
                f"La séance du {reconvenes.date:%d/%m/%Y} a réuni son quorum : elle ne peut être "
                "reconvoquée sans condition de quorum."
            )
    session.date = date
    for mandate, label in ((president, "président de séance"), (secretary, "secrétaire de séance")):
        if mandate is not None:
            _ensure_mandate_of_body(session, mandate, label)
    session.start_time = start_time
    session.end_time = end_time
    session.place = place
    session.kind = kind
    session.president = president
    session.secretary = secretary
    session.reconvenes = reconvenes
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    kind: str,
    title: str,
    rapporteur: Mandate | None = None,
    adopts_pv: ProcesVerbal | None = None,
) -> AgendaItem:
    """Change an item's nature, title, rapporteur or the PV it adopts (not once voted)."""
    session = _lock_session(item.session)
    item = AgendaItem.objects.select_related("deliberation", "vote").get(pk=item.pk)
    if session.facts_frozen_at is not None:
        raise ValidationError(
            "Un acte de cette séance est signé : son ordre du jour est figé "
            "(une correction passe par un erratum)."
        )
    if hasattr(item, "vote"):
        raise ValidationError(
            f"Le point « {item.title} » a déjà été voté : il ne peut plus être modifié."
        )
    if kind != AgendaItem.Kind.DELIBERATION and hasattr(item, "deliberation"):
        raise ValidationError(
            f"Un projet de délibération est rattaché au point « {item.title} » : "
            "détachez-le avant de changer la nature du point."
        )
    if rapporteur is not None:
        _ensure_mandate_of_body(session, rapporteur, "rapporteur")
    if adopts_pv is not None and (
        adopts_pv.session.body_id != session.body_id or adopts_pv.session.date >= session.date
    ):
        raise ValidationError(
            "Le procès-verbal adopté doit être celui d'une séance antérieure de l'assemblée."
        )
    item.kind = kind
    item.title = title
    item.rapporteur = rapporteur
    item.adopts_pv = adopts_pv if kind == AgendaItem.Kind.PV_ADOPTION else None
    item.full_clean()
    item.save()
    return item


class PvConflict(Exception):
    """Someone saved the PV since this draft was opened: nothing was overwritten."""

    def __init__(self, pv: ProcesVerbal, theirs: dict[str, str]):
        super().__init__("Le procès-verbal a été modifié entre-temps.")
        self.pv = pv
        self.theirs = theirs


def pv_texts(pv: ProcesVerbal) -> dict[str, str]:
    """The secretariat's texts of a PV, keyed like the editing form's fields."""
    texts = {"preamble": pv.preamble, "closing_text": pv.closing_text}
    for item in pv.session.items.order_by("position"):
        texts[f"debate_{item.pk}"] = item.debate_summary
    return texts


@transaction.atomic
def pv_update(
    *,
    pv: ProcesVerbal,
    texts: dict[str, str],
    expected_version: int,
    user: Any = None,
) -> ProcesVerbal:
    """Save the PV's texts unless someone else saved since `expected_version`.

    Two secretaries never silently overwrite each other: a stale version raises
    PvConflict with the texts now stored, for the screen to show both.
    """
    # Lock the PV row: two saves at once must see each other's version.
    pv = ProcesVerbal.objects.select_for_update().select_related("session").get(pk=pv.pk)
    if pv.is_signed:
        raise ValidationError("Le procès-verbal est signé : il ne peut plus être modifié.")
    if pv.version != expected_version:
        raise PvConflict(pv, pv_texts(pv))
    pv.preamble = normalize(texts.get("preamble", pv.preamble))
    pv.closing_text = normalize(texts.get("closing_text", pv.closing_text))
    pv.version += 1
    pv.updated_by = user if getattr(user, "is_authenticated", False) else None
    pv.full_clean(exclude=["session", "updated_by"])
    pv.save()
    for item in pv.session.items.all():
        key = f"debate_{item.pk}"
        if key in texts and normalize(texts[key]) != item.debate_summary:
            item.debate_summary = normalize(texts[key])
            try:
                item.clean_fields(
                    exclude=[f.name for f in AgendaItem._meta.fields if f.name != "debate_summary"]
                )
            except ValidationError as exc:
                # Named as the form names it: the error shows under that debate.
                raise ValidationError({key: exc.message_dict["debate_summary"]}) from exc
            item.save(update_fields=["debate_summary"])
    return pv


@transaction.atomic
def pv_adopt(*, pv: ProcesVerbal, item: AgendaItem) -> ProcesVerbal:
    """A later session adopted this signed PV: record it (DESIGN §3, PV lifecycle)."""
    pv = ProcesVerbal.objects.select_for_update().get(pk=pv.pk)
    if pv.status != ProcesVerbal.Status.SIGNED:
        return pv  # unsigned: the adoption is in the minutes of the later session only
    pv.status = ProcesVerbal.Status.ADOPTED
    pv.save(update_fields=["status", "updated_at"])
    return pv
