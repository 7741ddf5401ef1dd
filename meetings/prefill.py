"""The roll call opened pre-filled from the members' answers, then confirmed line by line.

On the secretariat's explicit click (never on its own: an empty roll may be wanted, and
a click says who did it), an empty roll is filled from the answers through the ordinary
services, so every rule is checked as if the secretariat had typed each line: present
and excused members, suppléants seated for their titulaire, pouvoirs. Every line made so
is « declared » (`Attendance.declared`, `Proxy.declared`) until the secretariat confirms
it, or changes it through the usual forms; members who did not answer stay absent. A
pouvoir the rules refuse on the real roll (its holder has not come…) is left out, and
the screen says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings.expected import expected_roll
from meetings.models import Attendance, AttendanceAnswer, Proxy, Session
from meetings.roll import RollEntry, of_name
from meetings.services import FROZEN_SESSION, attendance_set, proxy_grant
from members.models import Mandate

Answer = AttendanceAnswer.Answer


@dataclass
class Prefill:
    """What the pre-filling did: lines made, and what the rules left out (in French)."""

    attendances: int = 0
    proxies: int = 0
    left_out: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        lines = f"{self.attendances} ligne{'s' if self.attendances > 1 else ''}"
        proxies = f"{self.proxies} pouvoir{'s' if self.proxies > 1 else ''}"
        return (
            f"Appel pré-rempli à partir des réponses : {lines} de présence et {proxies}, "
            "marqués « déclaré » jusqu'à confirmation. Les membres sans réponse restent absents."
        )


def _locked(session: Session) -> Session:
    # One secretary at a time fills or confirms the roll.
    locked = Session.objects.select_for_update().select_related("body").get(pk=session.pk)
    if locked.facts_frozen_at is not None:
        raise ValidationError(FROZEN_SESSION.format(date=locked.date))
    return locked


def _order(entry: RollEntry) -> int:
    # Seats open before they are taken: the absent first, then the present, then the
    # suppléants sitting for an absent titulaire.
    if entry.status != "present":
        return 0
    return 2 if entry.seated else 1


@transaction.atomic
def roll_prefill(*, session: Session) -> Prefill:
    """Fill an empty roll from the answers; every line made is declared, to confirm."""
    session = _locked(session)
    if (
        Attendance.objects.filter(session=session).exists()
        or Proxy.objects.filter(session=session, revoked_at__isnull=True).exists()
    ):
        raise ValidationError(
            "L'appel a déjà commencé : il ne peut être pré-rempli à partir des réponses "
            "que lorsqu'il est vide."
        )
    answers = list(AttendanceAnswer.objects.filter(session=session).order_by("answered_at"))
    if not answers:
        raise ValidationError("Aucun membre n'a répondu avant la séance : rien à pré-remplir.")
    expected = expected_roll(session, answers)
    mandates = expected.mandates
    result = Prefill()
    made: list[int] = []
    for entry in sorted(
        (e for e in expected.entries if e.status != "absent"), key=_order
    ):  # sorted is stable: by name within each group
        mandate = mandates[int(entry.member_id)]
        replaces = mandates[int(entry.replaces)] if entry.replaces else None
        try:
            attendance = attendance_set(
                session=session,
                mandate=mandate,
                status=entry.status,
                seated=entry.seated,
                replaces=replaces,
            )
        except ValidationError as exc:
            result.left_out.append(f"{entry.name} non repris : {' '.join(exc.messages)}")
            continue
        made.append(attendance.pk)
    for answer in answers:
        titulaire = mandates.get(answer.mandate_id)
        if (
            answer.answer == Answer.SUBSTITUTE
            and titulaire
            and titulaire.pk not in expected.substitutes
        ):
            result.left_out.append(
                f"{titulaire.person.full_name} a annoncé que son suppléant siégerait, mais aucun "
                "suppléant disponible n'a été trouvé : à désigner à l'appel."
            )
    for answer in answers:
        if answer.answer != Answer.PROXY or answer.holder_id is None:
            continue
        giver, holder = mandates.get(answer.mandate_id), mandates.get(answer.holder_id)
        if giver is None:
            continue  # his mandate ended since the answer: he is not on the roll
        if holder is None:
            result.left_out.append(
                f"Pouvoir {of_name(giver.person.full_name)} non repris : son mandataire n'a "
                f"plus de mandat en cours le {session.date:%d/%m/%Y}."
            )
            continue
        try:
            proxy = proxy_grant(
                session=session,
                giver=giver,
                holder=holder,
                received_on=timezone.localdate(answer.answered_at),
            )
        except ValidationError as exc:
            result.left_out.append(
                f"Pouvoir {of_name(giver.person.full_name)} à {holder.person.full_name} "
                f"non repris : {' '.join(exc.messages)}"
            )
            continue
        proxy.declared, proxy.answer = True, answer
        proxy.save(update_fields=["declared", "answer"])
        result.proxies += 1
        if proxy_giver := Attendance.objects.filter(session=session, mandate=giver).first():
            made.append(proxy_giver.pk)
    result.attendances = len(set(made))
    Attendance.objects.filter(pk__in=made).update(declared=True)
    return result


@transaction.atomic
def roll_confirm(*, session: Session, mandate: Mandate | None = None) -> int:
    """Confirm a member's declared lines (his presence, the pouvoir he gave), or every
    declared line with `mandate=None`; how many lines were confirmed."""
    session = _locked(session)
    attendances = Attendance.objects.filter(session=session, declared=True)
    proxies = Proxy.objects.filter(session=session, declared=True)
    if mandate is not None:
        attendances, proxies = attendances.filter(mandate=mandate), proxies.filter(giver=mandate)
    return attendances.update(declared=False) + proxies.update(declared=False)
