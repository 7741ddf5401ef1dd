"""Déports (CGCT L2131-11): a member declares in advance he takes no part in an item's vote.

Declared by the élu from his space or recorded by the secretariat, withdrawn by either
until the session's facts are frozen; at the vote the déclared members are pre-filled
as non-participants, with their reason. Each time the member gets an e-mail (kind
"deport"), once the change is written: a refused change sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from meetings.models import AgendaItem, Deport, Session
from members.models import Mandate, Person
from members.notifications import absolute_url, member_message, send_messages
from pma_governance.lib import limits
from pma_governance.lib.db import refused_when_frozen
from pma_governance.lib.limits import control_characters, control_message, too_long_message
from pma_governance.lib.wording import is_feminine


def _check_open(session: Session, item: AgendaItem, *, by_secretariat: bool) -> None:
    if session.facts_frozen_at is not None:
        raise ValidationError(
            f"Les faits de la séance du {session.date:%d/%m/%Y} sont figés depuis la signature "
            "d'un acte : les déports ne peuvent plus changer."
        )
    # The vote lives in deliberations; its reverse accessor is enough to know it exists.
    if hasattr(item, "vote"):
        raise ValidationError(
            f"Le point « {item.title} » a déjà été voté : le déport ne peut plus changer."
        )
    if not by_secretariat and session.status in (Session.Status.HELD, Session.Status.CLOSED):
        # The élu declares in advance; once the session is held, the secretariat alone
        # records what the minutes must say (until the facts are frozen).
        raise ValidationError(
            f"La séance du {session.date:%d/%m/%Y} s'est tenue : vos déports ne peuvent plus "
            "changer depuis votre espace. Adressez-vous au secrétariat de séance."
        )


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Indiquez le motif du déport (ex. : la fonction qui vous lie).")
    if len(reason) > limits.NOT_VOTING_REASON:
        raise ValidationError(
            too_long_message(limits.NOT_VOTING_REASON, len(reason), "Le motif du déport")
        )
    found = control_characters(reason)
    if found:
        message = control_message(found)
        raise ValidationError(message[0].upper() + message[1:])
    return reason


@transaction.atomic
def deport_declare(
    *, item: AgendaItem, mandate: Mandate, reason: str, by_secretariat: bool = False
) -> Deport:
    """Record that `mandate` will take no part in the debate and vote on `item`."""
    # Lock the session: a signature freezing its facts must not slip in between.
    session = Session.objects.select_for_update().select_related("body").get(pk=item.session_id)
    item = AgendaItem.objects.select_related("vote").get(pk=item.pk)
    name = mandate.person.full_name
    she = is_feminine(mandate.person.civility)
    if mandate.body_id != session.body_id:
        raise ValidationError(
            f"{name} n'est pas membre de l'assemblée « {session.body.name} » : "
            f"{'elle' if she else 'il'} ne peut se déporter sur ce point."
        )
    if not item.is_voted:
        raise ValidationError(f"Le point « {item.title} » n'est pas soumis au vote.")
    _check_open(session, item, by_secretariat=by_secretariat)
    reason = _clean_reason(reason)
    if Deport.objects.filter(item=item, mandate=mandate).exists():
        raise ValidationError(
            f"{name} s'est déjà déporté{'e' if she else ''} sur le point « {item.title} »."
        )
    deport = Deport(
        session=session, item=item, mandate=mandate, reason=reason, by_secretariat=by_secretariat
    )
    deport.full_clean()
    with refused_when_frozen():
        deport.save()
    _send_on_commit(
        deport_message(
            session, item, mandate.person, reason, withdrawn=False, by_secretariat=by_secretariat
        )
    )
    return deport


@transaction.atomic
def deport_withdraw(*, deport: Deport, by_secretariat: bool = False) -> None:
    """Withdraw a déport, until the item is voted and the session's facts frozen."""
    session = Session.objects.select_for_update().select_related("body").get(pk=deport.session_id)
    item = AgendaItem.objects.select_related("vote").get(pk=deport.item_id)
    found = Deport.objects.select_related("mandate__person").filter(pk=deport.pk).first()
    if found is None:
        raise ValidationError("Ce déport a déjà été retiré.")
    _check_open(session, item, by_secretariat=by_secretariat)
    with refused_when_frozen():
        found.delete()
    _send_on_commit(
        deport_message(
            session,
            item,
            found.mandate.person,
            found.reason,
            withdrawn=True,
            by_secretariat=by_secretariat,
        )
    )


# --- The member's confirmation ----------------------------------------------------------


def deport_message(
    session: Session,
    item: AgendaItem,
    person: Person,
    reason: str,
    *,
    withdrawn: bool,
    by_secretariat: bool,
) -> EmailMultiAlternatives | None:
    """The e-mail confirming a déport recorded or withdrawn, or None (no address, opted out)."""
    day = f"{session.date:%d/%m/%Y}"
    point = f"le point {item.position} « {item.title} »"
    where = f"de la séance du {day} ({session.body.name})"
    if withdrawn:
        subject = f"Déport retiré — séance du {day}"
        who = "Le secrétariat a retiré" if by_secretariat else "Vous avez retiré"
        said = [
            f"{who} votre déport sur {point} {where} : vous pouvez prendre part au débat "
            "et au vote sur ce point.",
            "",
            f"Motif du déport retiré : « {reason} »",
        ]
        why = (
            "le secrétariat a retiré un déport enregistré à votre nom"
            if by_secretariat
            else "vous avez retiré un de vos déports depuis votre espace"
        )
    else:
        subject = f"Déport enregistré — séance du {day}"
        who = "Le secrétariat a enregistré" if by_secretariat else "Vous avez déclaré"
        said = [
            f"{who} votre déport sur {point} {where} : vous ne prendrez part ni au débat "
            "ni au vote sur ce point (CGCT L2131-11).",
            "",
            f"Motif : « {reason} »",
            "",
            "Vous pouvez le retirer depuis la page de la séance tant que le point n'est pas voté.",
        ]
        why = (
            "le secrétariat a enregistré un déport à votre nom"
            if by_secretariat
            else "vous avez déclaré un déport depuis votre espace"
        )
    return member_message(
        person,
        "deport",
        subject=subject,
        lines=[f"{person.title} {person.full_name},", "", *said],
        reason=why,
        link=absolute_url(reverse("space:session", args=[session.pk])) + f"#point-{item.pk}",
    )


def _send_on_commit(message: EmailMultiAlternatives | None) -> None:
    # After the commit: a change refused or rolled back sends nothing. `robust`: an SMTP
    # failure then is logged, it does not undo (nor fail) a change already written.
    if message is not None:
        transaction.on_commit(lambda: send_messages([message]), robust=True)


def session_deports(session: Session) -> QuerySet[Deport]:
    """The session's déports with their members' names, in one query."""
    return Deport.objects.filter(session=session).select_related("mandate__person", "item")


def deports_by_item(session: Session) -> dict[int, list[Deport]]:
    grouped: dict[int, list[Deport]] = defaultdict(list)
    for deport in session_deports(session):
        grouped[deport.item_id].append(deport)
    return grouped


def deports_reason(deports: Sequence[Deport]) -> str:
    """The vote's reason from the déports: one reason alone, else each with its member."""
    reasons = list(dict.fromkeys(d.reason for d in deports))
    if len(reasons) <= 1:
        return reasons[0] if reasons else ""
    return " ; ".join(f"{d.mandate.person.full_name} : {d.reason}" for d in deports)
