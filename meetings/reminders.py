"""The secretariat's reminder to the titulaires who have not said whether they will come.

One click on the session's page e-mails each of them (through `member_message`, which
honours a member who turned reminders off) and records the reminder on his convocation
receipts (`ConvocationReceipt.reminded_at`) when the convocation went out through the app;
a member convened otherwise (on paper, before the app sent convocations) is named in the
secretariat's confirmation but leaves no record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetings.convocation import french_when
from meetings.expected import expected_roll
from meetings.models import ConvocationReceipt, Session
from members.models import Mandate
from members.notifications import absolute_url, member_message, preferences_of_many, send_messages
from pma_governance.lib.wording import capfirst, feminine_ending, of_the


@dataclass(frozen=True)
class ReminderSending:
    """Who was reminded, who turned reminders off, who has no address."""

    sent: list[Mandate]
    declined: list[Mandate]
    no_address: list[Mandate]

    @property
    def nobody(self) -> bool:
        return not (self.sent or self.declined or self.no_address)


def reminder_closed_reason(session: Session, today: dt.date | None = None) -> str:
    """Why members can no longer be asked for their answer, in French, or ""."""
    today = today or timezone.localdate()
    day = f"{session.date:%d/%m/%Y}"
    if session.status in {Session.Status.HELD, Session.Status.CLOSED} or session.facts_frozen_at:
        return f"La séance du {day} s'est tenue : il n'y a plus de réponse à demander."
    if session.date < today:
        return f"La séance du {day} est passée : il n'y a plus de réponse à demander."
    if session.status == Session.Status.PLANNED and session.convened_on is None:
        return (
            "La convocation n'est pas encore envoyée : les membres ne peuvent pas encore répondre."
        )
    return ""


def _e(mandate: Mandate) -> str:
    """The feminine ending for a member who is a woman: « présent » / « présente »."""
    return feminine_ending(mandate.person.civility)


def _not_yet(session: Session, mandate: Mandate, when: str) -> str:
    """« vous n'avez pas encore indiqué si vous serez présente à la séance du Comité … »."""
    return (
        f"vous n'avez pas encore indiqué si vous serez présent{_e(mandate)} à la séance "
        f"{of_the(session.body.assembly_name)} du {when}"
    )


def reminder_lines(session: Session, mandate: Mandate) -> list[str]:
    when = french_when(session.date, session.start_time)
    return [
        f"{mandate.person.title},",
        "",
        capfirst(_not_yet(session, mandate, when))
        + (f", {session.place}" if session.place else "")
        + ".",
        "",
        f"Depuis votre espace, indiquez en un clic si vous serez présent{_e(mandate)}, "
        f"excusé{_e(mandate)}, si vous donnez pouvoir à un autre membre ou si votre "
        "suppléant siégera : le secrétariat peut ainsi s'assurer que le quorum sera atteint.",
        "",
        f"Le secrétariat {of_the(session.body.name)}",
    ]


@transaction.atomic
def answer_reminder_send(*, session: Session, at: dt.datetime | None = None) -> ReminderSending:
    """E-mail every titulaire in office who has not answered; refused once the session is
    no longer open. Records the reminder on his convocation receipts, if any."""
    # Lock the session: two clicks at once send one reminder each, not two.
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("body").get(pk=session.pk)
    )
    at = at or timezone.now()
    closed = reminder_closed_reason(session, timezone.localdate(at))
    if closed:
        raise ValidationError(closed)
    unknown = list(expected_roll(session).unknown)
    stored = preferences_of_many(m.person for m in unknown)
    when = french_when(session.date, session.start_time)
    link = absolute_url(reverse("space:session", args=[session.pk]))
    sent: list[Mandate] = []
    declined: list[Mandate] = []
    no_address: list[Mandate] = []
    messages = []
    for mandate in unknown:
        if not mandate.person.email.strip():
            no_address.append(mandate)
            continue
        message = member_message(
            mandate.person,
            "reminder",
            subject=(
                f"Rappel — {session.body.assembly_name} du {when} : "
                f"serez-vous présent{_e(mandate)} ?"
            ),
            lines=reminder_lines(session, mandate),
            reason=_not_yet(session, mandate, when),
            link=link,
            stored=stored.get(mandate.person.pk, {}),
        )
        if message is None:
            declined.append(mandate)
        else:
            messages.append(message)
            sent.append(mandate)
    ConvocationReceipt.objects.filter(session=session, mandate__in=sent).update(reminded_at=at)
    # After the record: a sending failure rolls it back, and says so to the secretariat.
    send_messages(messages)
    return ReminderSending(sent=sent, declined=declined, no_address=no_address)
