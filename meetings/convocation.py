"""The convocation: delay rule (jours francs), e-mail building and sending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Session
from members.models import Mandate
from members.selectors import mandates_open_on
from pma_governance.lib import wording

# --- Pure rules -------------------------------------------------------------------------


def clear_days_between(sent: dt.date, session: dt.date) -> int:
    """Jours francs between sending and the session: neither of those two days counts."""
    return max(0, (session - sent).days - 1)


def convocation_delay_ok(sent: dt.date, session: dt.date, delay_days: int = 5) -> bool:
    """Whether a convocation sent on `sent` leaves the body's delay of clear days.

    CGCT L2121-12 (5 clear days in communes of 3 500 inhabitants and more), applied to
    syndicats mixtes by their statutes; the body's own delay is `convocation_delay_days`.
    """
    return clear_days_between(sent, session) >= delay_days


def convocation_deadline(session: dt.date, delay_days: int = 5) -> dt.date:
    """The last day a convocation may be sent and still respect the delay."""
    return session - dt.timedelta(days=delay_days + 1)


def french_date(day: dt.date, *, weekday: bool = True) -> str:
    """« mardi 13 juin 2023 », « jeudi 1er juin 2023 »; « 13 juin 2023 » without weekday."""
    return wording.long_date(day) if weekday else wording.plain_date(day)


def french_time(moment: dt.time) -> str:
    """« 14 h 30 », « 9 h »."""
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def french_when(day: dt.date, moment: dt.time | None) -> str:
    """« mardi 13 juin 2023 à 14 h 30 »."""
    return f"{french_date(day)} à {french_time(moment)}" if moment else french_date(day)


def delay_warning(sent: dt.date, session: dt.date, delay_days: int, *, today: bool = False) -> str:
    """The French warning shown when the delay is not respected, or ""."""
    if convocation_delay_ok(sent, session, delay_days):
        return ""
    clear = clear_days_between(sent, session)
    days = "jour franc" if clear <= 1 else "jours francs"
    when = "aujourd'hui" if today else f"le {french_date(sent, weekday=False)}"
    return (
        f"Envoyée {when}, la convocation ne laisse que "
        f"{clear} {days} avant la séance, alors que le règlement de l'assemblée en prévoit "
        f"{delay_days} (le jour de l'envoi et celui de la séance ne comptent pas). "
        "L'envoi reste possible, mais la régularité des délibérations pourrait être contestée."
    )


# --- Building the e-mail ----------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """A member convened: a titulaire or suppléant whose mandate is open on the date."""

    mandate: Mandate

    @property
    def email(self) -> str:
        return self.mandate.person.email

    @property
    def is_substitute(self) -> bool:
        return self.mandate.role == Mandate.Role.SUPPLEANT

    @property
    def salutation(self) -> str:
        return self.mandate.person.title  # « Madame » / « Monsieur »


@dataclass(frozen=True)
class ConvocationPreview:
    """Everything the secretariat checks before sending."""

    subject: str
    text: str
    html: str
    items: list[AgendaItem]
    recipients: list[Recipient]
    missing: list[Recipient]
    sent_on: dt.date
    clear_days: int
    delay_days: int
    warning: str
    deadline: dt.date

    @property
    def substitutes(self) -> int:
        return sum(1 for r in self.recipients if r.is_substitute)

    @property
    def titulaires(self) -> int:
        return len(self.recipients) - self.substitutes


@dataclass(frozen=True)
class ConvocationSending:
    """What happened when the convocation was sent."""

    sent: int
    missing: list[Recipient]
    warning: str
    resent: bool
    previous_sent_at: dt.datetime | None = None
    emails: list[str] = field(default_factory=list)


def convocation_items(session: Session) -> list[AgendaItem]:
    return list(session.items.select_related("rapporteur__person").order_by("position"))


def convocation_recipients(session: Session) -> tuple[list[Recipient], list[Recipient]]:
    """(members convened with an e-mail address, members without one).

    Titulaires and suppléants whose mandate is open on the session date; a suppléant
    is convened too, so that he can sit for an absent titulaire.
    """
    with_email: list[Recipient] = []
    without: list[Recipient] = []
    seen: set[str] = set()
    for mandate in mandates_open_on(session.body, session.date):
        recipient = Recipient(mandate)
        email = recipient.email.strip().lower()
        if not email:
            without.append(recipient)
        elif email not in seen:
            seen.add(email)
            with_email.append(recipient)

    # Titulaires first, then suppléants, each by name, as on the feuille d'émargement.
    def order(recipient: Recipient) -> tuple[bool, str, str]:
        person = recipient.mandate.person
        return (recipient.is_substitute, person.last_name, person.first_name)

    return sorted(with_email, key=order), sorted(without, key=order)


def _signatory(session: Session) -> Mandate | None:
    if session.president is not None:
        return session.president
    for mandate in mandates_open_on(session.body, session.date):
        if mandate.office.strip().lower() == "président":
            return mandate
    return None


def _context(
    session: Session,
    items: Sequence[AgendaItem],
    recipient: Recipient | None,
    signatory: Mandate | None,
) -> dict[str, object]:
    body = session.body
    return {
        "session": session,
        "body": body,
        "items": items,
        "recipient": recipient,
        "salutation": recipient.salutation if recipient else "Madame, Monsieur",
        "when": french_when(session.date, session.start_time),
        "signatory": signatory,
        "of_assembly": wording.of_the(body.assembly_name),
        "of_body": wording.of_the(body.name),
        "president_title": wording.capfirst(wording.the(body.president_title)),
        "url": settings.SITE_URL.rstrip("/")
        + reverse("meetings:session_detail", args=[session.pk]),
    }


def convocation_text(context: dict[str, Any]) -> str:
    """The convocation's plain-text part, built from data: a plain string that every page
    escapes like any other (no template with autoescape turned off)."""
    session: Session = context["session"]
    recipient: Recipient | None = context["recipient"]
    signatory: Mandate | None = context["signatory"]
    items: Sequence[AgendaItem] = context["items"]
    of_assembly = context["of_assembly"]
    opening = (
        f"{context['salutation']} {recipient.mandate.person.full_name},"
        if recipient
        else "Madame, Monsieur,"
    )
    kind = "extraordinaire " if session.kind == "extraordinary" else ""
    place = f", {session.place}" if session.place else ""
    lines = [
        opening,
        "",
        f"J'ai l'honneur de vous convoquer à la séance {kind}{of_assembly} "
        f"{context['of_body']}, qui se tiendra le {context['when']}{place}.",
    ]
    if session.reconvenes:
        lines += [
            "",
            f"Cette séance est reconvoquée après la séance du "
            f"{french_date(session.reconvenes.date, weekday=False)}, où le quorum n'a pas été "
            "atteint : l'assemblée délibérera valablement sans condition de quorum sur les "
            "points reportés (CGCT L2121-17).",
        ]
    lines += ["", "ORDRE DU JOUR", ""]
    for item in items:
        rapporteur = item.rapporteur
        reporter = (
            f" — rapporteur : {rapporteur.person.civility} {rapporteur.person.full_name}"
            if rapporteur
            else ""
        )
        lines.append(f"{item.position}. {item.title}{reporter}")
    lines += [
        "",
        "Les projets de délibération et les documents de séance sont consultables en ligne :",
        str(context["url"]),
    ]
    if recipient is not None and recipient.is_substitute:
        person = recipient.mandate.person
        entity = recipient.mandate.entity
        lines += [
            "",
            "En votre qualité de suppléant"
            + ("e" if person.civility == "Mme" else "")
            + (f" ({entity.short_name})" if entity else "")
            + ", vous siégez avec voix délibérative en l'absence d'un titulaire de votre "
            "collectivité : merci d'informer le secrétariat de votre présence.",
        ]
    closing = context["salutation"] if recipient else "Madame, Monsieur"
    lines += [
        "",
        f"En cas d'empêchement, vous pouvez donner pouvoir écrit de voter en votre nom à un "
        f"autre membre {of_assembly} (un membre ne peut détenir qu'un seul pouvoir, CGCT "
        "L2121-20) ; merci d'en informer le secrétariat avant la séance.",
        "",
        f"Je vous prie d'agréer, {closing}, l'expression de mes salutations distinguées.",
        "",
        f"{context['president_title']},",
        signatory.person.full_name if signatory else "",
    ]
    return "\n".join(lines) + "\n"


def convocation_subject(session: Session) -> str:
    return (
        f"Convocation — {session.body.assembly_name} du "
        f"{french_when(session.date, session.start_time)}"
    )


def convocation_preview(session: Session, *, today: dt.date | None = None) -> ConvocationPreview:
    """The convocation as it would leave today, with its recipients and the delay check."""
    today = today or timezone.localdate()
    items = convocation_items(session)
    recipients, missing = convocation_recipients(session)
    context = _context(session, items, None, _signatory(session))
    delay = session.body.convocation_delay_days
    return ConvocationPreview(
        subject=convocation_subject(session),
        text=convocation_text(context),
        html=render_to_string("meetings/email/convocation.html", context),
        items=items,
        recipients=recipients,
        missing=missing,
        sent_on=today,
        clear_days=clear_days_between(today, session.date),
        delay_days=delay,
        warning=delay_warning(today, session.date, delay, today=True),
        deadline=convocation_deadline(session.date, delay),
    )


def _message(
    session: Session,
    items: Sequence[AgendaItem],
    recipient: Recipient,
    signatory: Mandate | None,
) -> EmailMultiAlternatives:
    context = _context(session, items, recipient, signatory)
    message = EmailMultiAlternatives(
        subject=convocation_subject(session),
        body=convocation_text(context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(
        render_to_string("meetings/email/convocation.html", context), "text/html"
    )
    return message


# --- Sending (the service) --------------------------------------------------------------


@transaction.atomic
def convocation_send(*, session: Session, sent_at: dt.datetime | None = None) -> ConvocationSending:
    """Send one e-mail per member convened and record the convocation on the session.

    Resending is allowed (an ordre du jour completed, a member forgotten): the session
    then records the latest sending. The e-mails leave only once the record is written;
    a sending failure rolls the record back.
    """
    # Lock the session: two secretaries clicking « Envoyer » at once send one convocation.
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("body", "president__person", "reconvenes")
        .get(pk=session.pk)
    )
    sent_at = sent_at or timezone.now()
    sent_on = timezone.localdate(sent_at)
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
    items = convocation_items(session)
    if not items:
        raise ValidationError(
            "L'ordre du jour est vide : ajoutez au moins un point avant d'envoyer la convocation."
        )
    recipients, missing = convocation_recipients(session)
    if not recipients:
        raise ValidationError(
            "Aucun membre en exercice n'a d'adresse électronique : complétez le registre des "
            "membres avant d'envoyer la convocation par courriel."
        )
    previous = session.convocation_sent_at
    session.convocation_sent_at = sent_at
    session.convened_on = sent_on
    if session.status == Session.Status.PLANNED:
        session.status = Session.Status.CONVENED
    session.full_clean()
    session.save(update_fields=["convocation_sent_at", "convened_on", "status"])
    signatory = _signatory(session)
    messages = [_message(session, items, r, signatory) for r in recipients]
    get_connection(fail_silently=False).send_messages(messages)
    return ConvocationSending(
        sent=len(messages),
        missing=missing,
        warning=delay_warning(sent_on, session.date, session.body.convocation_delay_days),
        resent=previous is not None,
        previous_sent_at=previous,
        emails=[r.email for r in recipients],
    )
