"""Members' answers before a session (issue 12): present, excused, a pouvoir, a suppléant.

An élu answers from his space, or the secretariat enters his paper form (`by_secretariat`).
A pouvoir is checked by the very rules of the session (`meetings.proxies.check_proxies`,
`meetings.substitutes.check_substitutes`) on the roll the answers announce
(`meetings.expected.expected_roll`, members who have not answered counted present): what
the roll call would refuse on the day is refused now, with the same French reason.

Both members are told by e-mail of a pouvoir given, revoked or declined; the e-mails leave
once the answer is committed. Answers are open until the session opens (`answers_open`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetings.expected import ExpectedRoll, expected_roll
from meetings.facts import member_key
from meetings.models import Attendance, AttendanceAnswer, Session
from meetings.proxies import check_proxies, legal_holders
from meetings.roll import RuleProblem, of_name
from meetings.services import proxy_rules
from meetings.substitutes import check_substitutes
from members.models import Mandate, Person
from members.notifications import absolute_url, member_message, send_messages
from members.selectors import mandates_open_on
from pma_governance.lib import wording
from pma_governance.lib.db import refused_when_frozen
from pma_governance.lib.wording import plain_date

logger = logging.getLogger(__name__)

Answer = AttendanceAnswer.Answer


# --- When answers are open ----------------------------------------------------------------


def session_start(session: Session) -> dt.datetime:
    """When the session opens: its date at its start time, or at 0 h when none is set
    (an unknown hour: the answers close as the day begins)."""
    start = dt.datetime.combine(session.date, session.start_time or dt.time(0, 0))
    return timezone.make_aware(start, timezone.get_current_timezone())


def answers_closed_reason(session: Session, now: dt.datetime | None = None) -> str:
    """Why the members may no longer answer (French), or "" while they may.

    Closed once the session is held or closed, once its facts are frozen (a signed act),
    once the roll call has begun (any attendance recorded: the secretariat now keeps the
    roll), or once its date and start time are reached.
    """
    day = f"{session.date:%d/%m/%Y}"
    if session.status in (Session.Status.HELD, Session.Status.CLOSED):
        return f"La séance du {day} s'est tenue : les réponses à la convocation sont closes."
    if session.facts_frozen_at is not None:
        return f"Les faits de la séance du {day} sont figés : les réponses ne peuvent plus changer."
    if Attendance.objects.filter(session=session).exists():
        return (
            f"L'appel de la séance du {day} a commencé : les présences et les pouvoirs se "
            "déclarent désormais auprès du secrétariat de séance."
        )
    if (now or timezone.now()) >= session_start(session):
        return f"La séance du {day} est ouverte : les réponses à la convocation sont closes."
    return ""


def answers_open(session: Session, now: dt.datetime | None = None) -> bool:
    """Whether members may still answer, change or withdraw their answer (and pouvoir)."""
    return not answers_closed_reason(session, now)


# --- Reading ------------------------------------------------------------------------------


def session_answers(session: Session) -> list[AttendanceAnswer]:
    """The session's answers with the members they name, in one query."""
    return list(
        AttendanceAnswer.objects.filter(session=session).select_related(
            "mandate__person", "mandate__entity", "holder__person", "substitute__person"
        )
    )


@dataclass(frozen=True)
class AnswerChoices:
    """Who a member may name in his answer: legal holders of his pouvoir, his suppléants."""

    holders: list[Mandate]
    substitutes: list[Mandate]


def answer_choices(session: Session, mandate: Mandate) -> AnswerChoices:
    """The legal holders of `mandate`'s pouvoir, as if he answered absent now (his current
    pouvoir set aside), and the suppléants of his collectivity who may sit for him."""
    mandates = list(mandates_open_on(session.body, session.date))
    answers = [a for a in session_answers(session) if a.mandate_id != mandate.pk]
    if mandate.role != Mandate.Role.TITULAIRE:
        return AnswerChoices(holders=[], substitutes=[])
    absent = AttendanceAnswer(session=session, mandate=mandate, answer=Answer.EXCUSED)
    roll = expected_roll(session, [*answers, absent], mandates=mandates, unknown_present=True)
    legal = set(
        legal_holders(roll.entries, roll.grants, member_key(mandate), proxy_rules(session.body))
    )
    taken = {a.substitute_id for a in answers if a.substitute_id is not None}
    refused = {a.mandate_id for a in answers if a.answer != Answer.PRESENT}
    substitutes = [
        m
        for m in mandates
        if m.role == Mandate.Role.SUPPLEANT
        and (mandate.entity_id is None or m.entity_id in (None, mandate.entity_id))
        and m.pk not in taken
        and m.pk not in refused
    ]
    return AnswerChoices(
        holders=[m for m in mandates if member_key(m) in legal],
        substitutes=substitutes if session.body.substitutes_sit else [],
    )


# --- The rules ----------------------------------------------------------------------------


def _lock(session: Session) -> Session:
    # Two members answering at once must not both take the one pouvoir a holder may hold.
    locked = Session.objects.select_for_update().select_related("body").get(pk=session.pk)
    reason = answers_closed_reason(locked)
    if reason:
        raise ValidationError(reason)
    return locked


def _ensure_member(session: Session, mandate: Mandate, label: str) -> None:
    if mandate.body_id != session.body_id or not mandate.is_open_on(session.date):
        raise ValidationError(
            f"{mandate.person.full_name} n'a pas de mandat en cours dans l'assemblée "
            f"« {session.body.name} » le {session.date:%d/%m/%Y} ({label})."
        )


def _e(person: Person) -> str:
    """The feminine ending for a member who is a woman: « averti » / « avertie »."""
    return wording.feminine_ending(person.civility)


def _pronoun(person: Person) -> str:
    return "elle" if person.civility == Person.Civility.MRS else "il"


def _oneself(person: Person) -> str:
    return "elle-même" if person.civility == Person.Civility.MRS else "lui-même"


def _names(answers: Sequence[AttendanceAnswer]) -> str:
    names = [a.mandate.person.full_name for a in answers]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"


def _roll_problems(roll: ExpectedRoll, session: Session) -> list[RuleProblem]:
    """Every rule the roll breaks: the session's own checks (DESIGN §4.2-3)."""
    return check_substitutes(
        roll.entries, substitutes_allowed=session.body.substitutes_sit, proxies=roll.grants
    ) + check_proxies(roll.entries, roll.grants, proxy_rules(session.body))


def _ensure_rules(
    session: Session, before: list[AttendanceAnswer], after: list[AttendanceAnswer]
) -> None:
    """Refuse what the change adds to the rules broken by the roll the answers announce."""
    mandates = list(mandates_open_on(session.body, session.date))

    def problems(answers: list[AttendanceAnswer]) -> list[RuleProblem]:
        roll = expected_roll(session, answers, mandates=mandates, unknown_present=True)
        return _roll_problems(roll, session)

    old = set(problems(before))
    new = [p for p in problems(after) if p not in old]
    if new:
        raise ValidationError([p.message for p in new])


def _resolve_substitute(
    session: Session, mandate: Mandate, substitute: Mandate | None, others: list[AttendanceAnswer]
) -> Mandate:
    """The suppléant who sits for `mandate`: the one named, else his collectivity's free one."""
    name = mandate.person.full_name
    if not session.body.substitutes_sit:
        raise ValidationError(
            f"Les statuts de « {session.body.name} » ne prévoient pas que les suppléants "
            f"siègent : le suppléant {of_name(name)} ne peut siéger à sa place."
        )
    taken = {a.substitute_id: a for a in others if a.substitute_id is not None}
    if substitute is None:
        free = [
            m
            for m in mandates_open_on(session.body, session.date)
            if m.role == Mandate.Role.SUPPLEANT
            and mandate.entity_id is not None
            and m.entity_id == mandate.entity_id
            and m.pk not in taken
        ]
        if not free:
            raise ValidationError(
                f"{name} n'a pas de suppléant disponible pour siéger à sa place : répondez "
                "absent excusé ou donnez pouvoir à un autre membre."
            )
        return free[0]
    _ensure_member(session, substitute, "suppléant")
    if substitute.role != Mandate.Role.SUPPLEANT:
        raise ValidationError(
            f"{substitute.person.full_name} est titulaire : seul un suppléant siège à la place "
            "d'un titulaire absent (CGCT L5212-7)."
        )
    if substitute.pk in taken:
        other = taken[substitute.pk].mandate.person.full_name
        raise ValidationError(
            f"{substitute.person.full_name} siège déjà en suppléance {of_name(other)} ; un "
            "suppléant ne siège que pour un titulaire."
        )
    own = next((a for a in others if a.mandate_id == substitute.pk), None)
    if own is not None and own.answer != Answer.PRESENT:
        raise ValidationError(
            f"{substitute.person.full_name} a répondu qu'{_pronoun(substitute.person)} serait "
            f"absent{_e(substitute.person)} : {_pronoun(substitute.person)} ne peut siéger en "
            f"suppléance {of_name(name)}."
        )
    return substitute


def _check_answer(
    session: Session,
    mandate: Mandate,
    answer: str,
    holder: Mandate | None,
    substitute: Mandate | None,
    others: list[AttendanceAnswer],
) -> tuple[Mandate | None, Mandate | None]:
    """The holder and suppléant the answer keeps, or the French reason it is refused."""
    name = mandate.person.full_name
    if answer not in Answer.values:
        raise ValidationError("Choisissez votre réponse : présent, excusé, pouvoir ou suppléant.")
    _ensure_member(session, mandate, "membre")
    suppleant = mandate.role == Mandate.Role.SUPPLEANT
    if answer == Answer.PROXY and suppleant:
        raise ValidationError(
            f"{name} est suppléant{_e(mandate.person)} : seul un titulaire absent peut donner "
            "pouvoir (CGCT L2121-20)."
        )
    if answer == Answer.SUBSTITUTE and suppleant:
        raise ValidationError(
            f"{name} est suppléant{_e(mandate.person)} : seul un titulaire absent se fait "
            "remplacer par son "
            "suppléant (CGCT L5212-7)."
        )
    held = [a for a in others if a.holder_id == mandate.pk]
    if held and answer != Answer.PRESENT:
        raise ValidationError(
            f"{name} détient le pouvoir {of_name(_names(held))} : refusez d'abord ce pouvoir "
            "avant de répondre absent, le mandataire devant assister à la séance "
            "(CGCT L2121-20)."
        )
    sitting_for = next((a for a in others if a.substitute_id == mandate.pk), None)
    if sitting_for is not None and answer != Answer.PRESENT:
        titulaire = sitting_for.mandate.person.full_name
        que = "qu'" if of_name(titulaire).startswith("d'") else "que "
        raise ValidationError(
            f"{name} siège en suppléance {of_name(titulaire)}, qui l'a annoncé : "
            f"{_pronoun(mandate.person)} ne peut répondre absent{_e(mandate.person)} tant "
            f"{que}{titulaire} n'a pas changé sa réponse."
        )
    if answer == Answer.PROXY:
        if holder is None:
            raise ValidationError("Choisissez le membre à qui vous donnez pouvoir.")
        if holder.pk == mandate.pk:
            raise ValidationError(
                f"{name} ne peut se donner pouvoir à {_oneself(mandate.person)} (CGCT L2121-20)."
            )
        _ensure_member(session, holder, "mandataire")
        return holder, None
    if answer == Answer.SUBSTITUTE:
        return None, _resolve_substitute(session, mandate, substitute, others)
    return None, None


# --- Writes -------------------------------------------------------------------------------


@transaction.atomic
def answer_give(
    session: Session,
    mandate: Mandate,
    answer: str,
    holder: Mandate | None = None,
    substitute: Mandate | None = None,
    by_secretariat: bool = False,
    user: Any = None,
) -> AttendanceAnswer:
    """Record `mandate`'s answer for the session, in place of his previous one.

    Refused with the French reason, nothing written, when answers are closed or the answer
    breaks a rule the session itself would apply.
    """
    session = _lock(session)
    answers = session_answers(session)
    previous = next((a for a in answers if a.mandate_id == mandate.pk), None)
    others = [a for a in answers if a.mandate_id != mandate.pk]
    holder, substitute = _check_answer(session, mandate, answer, holder, substitute, others)
    candidate = AttendanceAnswer(
        session=session, mandate=mandate, answer=answer, holder=holder, substitute=substitute
    )
    _ensure_rules(session, answers, [*others, candidate])
    row = previous or AttendanceAnswer(session=session, mandate=mandate)
    old_holder = previous.holder if previous is not None else None
    row.answer, row.holder, row.substitute = answer, holder, substitute

    same_pouvoir = old_holder is not None and holder is not None and old_holder.pk == holder.pk
    if not same_pouvoir:
        # A procuration names its mandataire: another one, or none, voids it.
        row.procuration_pdf, row.procuration_signed_at = b"", None
    row.answered_at = timezone.now()
    row.by_secretariat = by_secretariat
    row.entered_by = user if getattr(user, "is_authenticated", False) else None
    row.full_clean(validate_constraints=False)
    with refused_when_frozen():
        row.save()

    mails: list[EmailMultiAlternatives | None] = []
    if old_holder is not None and not same_pouvoir:
        mails += _revoked_mails(session, mandate, old_holder, by_secretariat=by_secretariat)
    if holder is not None and not same_pouvoir:
        mails += _given_mails(session, mandate, holder, by_secretariat=by_secretariat)
    _send_on_commit(mails)
    return row


@transaction.atomic
def answer_revoke(answer: AttendanceAnswer, user: Any = None) -> None:
    """Withdraw a member's answer (and with it his pouvoir), until the session opens."""
    session = _lock(answer.session)
    answers = session_answers(session)
    row = next((a for a in answers if a.pk == answer.pk), None)
    if row is None:
        raise ValidationError("Cette réponse a déjà été retirée.")
    others = [a for a in answers if a.pk != row.pk]
    _ensure_rules(session, answers, others)
    with refused_when_frozen():
        AttendanceAnswer.objects.filter(pk=row.pk).delete()
    if row.holder is not None:
        # Withdrawn by another account than his: the secretariat, from his letter or call.
        clerk = user is not None and user.pk != row.mandate.person.user_id
        _send_on_commit(_revoked_mails(session, row.mandate, row.holder, by_secretariat=clerk))


@transaction.atomic
def proxy_decline(answer: AttendanceAnswer, user: Any = None) -> AttendanceAnswer:
    """The holder refuses the pouvoir: the mandant is then excused, and told by e-mail."""
    session = _lock(answer.session)
    row = (
        AttendanceAnswer.objects.select_for_update(of=("self",))
        .select_related("mandate__person", "holder__person")
        .filter(pk=answer.pk, session=session)
        .first()
    )
    if row is None or row.answer != Answer.PROXY or row.holder is None:
        raise ValidationError("Ce pouvoir n'existe plus : il a été révoqué ou déjà refusé.")
    holder = row.holder
    row.answer, row.holder = Answer.EXCUSED, None
    row.procuration_pdf, row.procuration_signed_at = b"", None
    row.answered_at = timezone.now()
    with refused_when_frozen():
        row.save()
    _send_on_commit(_declined_mails(session, row.mandate, holder))
    return row


# --- E-mails ------------------------------------------------------------------------------


def _send_on_commit(mails: list[EmailMultiAlternatives | None]) -> None:
    ready = [m for m in mails if m is not None]
    if ready:
        transaction.on_commit(lambda: _send(ready))


def _send(mails: list[EmailMultiAlternatives]) -> None:
    # The answer is recorded whatever the mail server does: a failure is logged.
    try:
        send_messages(mails)
    except OSError:
        logger.exception("Courriels de pouvoir non envoyés (%d)", len(mails))


def _session_label(session: Session) -> str:
    return f"{session.body.assembly_name} du {plain_date(session.date)}"


def _link(session: Session) -> str:
    return absolute_url(reverse("space:session", args=[session.pk]))


def _person_mail(
    person: Person, session: Session, subject: str, lines: list[str], reason: str
) -> EmailMultiAlternatives | None:
    return member_message(
        person,
        "proxy",
        subject=f"{subject} — {_session_label(session)}",
        lines=lines,
        reason=reason,
        link=_link(session),
    )


def _paper(by_secretariat: bool) -> list[str]:
    if not by_secretariat:
        return []
    return ["", "Enregistré par le secrétariat d'après votre formulaire papier."]


def _given_mails(
    session: Session, mandant: Mandate, holder: Mandate, *, by_secretariat: bool
) -> list[EmailMultiAlternatives | None]:
    label = _session_label(session)
    giver, taker = mandant.person, holder.person
    return [
        _person_mail(
            giver,
            session,
            "Pouvoir enregistré",
            [
                f"Bonjour {giver.civility} {giver.full_name},",
                "",
                f"Votre pouvoir à {taker.civility} {taker.full_name} pour la séance "
                f"{label} est enregistré : {taker.full_name} votera en votre nom "
                "(CGCT L2121-20).",
                "Vous pouvez le révoquer jusqu'à l'ouverture de la séance, et signer la "
                "procuration depuis votre espace.",
                *_paper(by_secretariat),
            ],
            "vous avez donné pouvoir pour cette séance",
        ),
        _person_mail(
            taker,
            session,
            "Pouvoir reçu",
            [
                f"Bonjour {taker.civility} {taker.full_name},",
                "",
                f"{giver.civility} {giver.full_name} vous a donné pouvoir de voter en son nom "
                f"à la séance {label} (CGCT L2121-20).",
                f"Si vous ne pouvez l'accepter (vous serez absent{_e(taker)}, ou vous détenez "
                f"déjà un pouvoir), refusez-le depuis votre espace : {giver.full_name} en sera "
                f"averti{_e(giver)}.",
            ],
            f"{giver.full_name} vous a donné pouvoir pour cette séance",
        ),
    ]


def _revoked_mails(
    session: Session, mandant: Mandate, holder: Mandate, *, by_secretariat: bool
) -> list[EmailMultiAlternatives | None]:
    label = _session_label(session)
    giver, taker = mandant.person, holder.person
    return [
        _person_mail(
            giver,
            session,
            "Pouvoir révoqué",
            [
                f"Bonjour {giver.civility} {giver.full_name},",
                "",
                f"Votre pouvoir à {taker.civility} {taker.full_name} pour la séance {label} "
                f"est révoqué : {_pronoun(taker)} ne votera pas en votre nom.",
                *_paper(by_secretariat),
            ],
            "le secrétariat a enregistré la révocation de votre pouvoir pour cette séance"
            if by_secretariat
            else "vous avez révoqué le pouvoir que vous aviez donné pour cette séance",
        ),
        _person_mail(
            taker,
            session,
            "Pouvoir révoqué",
            [
                f"Bonjour {taker.civility} {taker.full_name},",
                "",
                f"{giver.civility} {giver.full_name} a révoqué le pouvoir "
                f"qu'{_pronoun(giver)} vous avait donné pour la séance {label} : vous ne "
                "voterez pas en son nom.",
            ],
            f"{giver.full_name} a révoqué le pouvoir qu'{_pronoun(giver)} vous avait donné",
        ),
    ]


def _declined_mails(
    session: Session, mandant: Mandate, holder: Mandate
) -> list[EmailMultiAlternatives | None]:
    label = _session_label(session)
    giver, taker = mandant.person, holder.person
    return [
        _person_mail(
            giver,
            session,
            "Pouvoir refusé",
            [
                f"Bonjour {giver.civility} {giver.full_name},",
                "",
                f"{taker.civility} {taker.full_name} a refusé le pouvoir que vous lui aviez "
                f"donné pour la séance {label}.",
                f"Vous êtes désormais inscrit{_e(giver)} absent{_e(giver)} excusé{_e(giver)} : "
                "vous pouvez donner pouvoir à un autre membre depuis votre espace, jusqu'à "
                "l'ouverture de la séance.",
            ],
            f"{taker.full_name} a refusé le pouvoir que vous lui aviez donné",
        ),
        _person_mail(
            taker,
            session,
            "Pouvoir refusé",
            [
                f"Bonjour {taker.civility} {taker.full_name},",
                "",
                f"Vous avez refusé le pouvoir de {giver.civility} {giver.full_name} pour la "
                f"séance {label} : {giver.full_name} en est averti{_e(giver)}.",
            ],
            "vous avez refusé un pouvoir pour cette séance",
        ),
    ]
