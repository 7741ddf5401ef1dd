"""The convocation: delay rule (jours francs) and the e-mail (sending: `meetings.convening`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from num2words import num2words

from meetings.models import AgendaItem, Session
from members.models import Body, Mandate
from members.notifications import member_message
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
        return self.mandate.person.email.strip()

    @property
    def is_substitute(self) -> bool:
        return self.mandate.role == Mandate.Role.SUPPLEANT

    @property
    def by_paper(self) -> bool:
        """Listed for mailing: he asked for paper (CGCT L2121-10), or has no address.

        A member who asked for paper and has an address gets the e-mail too, with his
        personal link: the paper copy is the one that counts, the e-mail lets him read the
        projets and acknowledge online.
        """
        return self.mandate.person.paper_convocation or not self.email

    @property
    def quality(self) -> str:
        """« titulaire », « suppléant », « suppléante »."""
        if not self.is_substitute:
            return "titulaire"
        return "suppléante" if self.mandate.person.civility == "Mme" else "suppléant"

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
    paper: list[Recipient]
    convene_substitutes: bool
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


def convocation_items(session: Session) -> list[AgendaItem]:
    return list(session.items.select_related("rapporteur__person").order_by("position"))


def convened_members(session: Session) -> list[Recipient]:
    """The members convened, one per person: titulaires whose mandate is open on the
    session date, and suppléants when the body's statutes convene them
    (`Body.convene_substitutes`), so that they can sit for an absent titulaire.

    Titulaires first, then suppléants, each by name, as on the feuille d'émargement.
    """
    convene_substitutes = session.body.convene_substitutes
    found: list[Recipient] = []
    seen: set[int] = set()
    for mandate in mandates_open_on(session.body, session.date):
        if mandate.role == Mandate.Role.SUPPLEANT and not convene_substitutes:
            continue
        if mandate.person_id in seen:
            continue
        seen.add(mandate.person_id)
        found.append(Recipient(mandate))

    def order(recipient: Recipient) -> tuple[bool, str, str]:
        person = recipient.mandate.person
        return (recipient.is_substitute, person.last_name, person.first_name)

    return sorted(found, key=order)


def convocation_recipients(session: Session) -> tuple[list[Recipient], list[Recipient]]:
    """(members convened with an e-mail address, members convened without one)."""
    members = convened_members(session)
    return [r for r in members if r.email], [r for r in members if not r.email]


def _signatory(session: Session) -> Mandate | None:
    if session.president is not None:
        return session.president
    for mandate in mandates_open_on(session.body, session.date):
        if mandate.office.strip().lower() == "président":
            return mandate
    return None


PREVIEW_LINK = "[lien personnel du membre]"


def _context(
    session: Session,
    items: Sequence[AgendaItem],
    recipient: Recipient | None,
    signatory: Mandate | None,
) -> dict[str, object]:
    """What the e-mail says to every member; `with_recipient` adds one member's part."""
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
        "url": PREVIEW_LINK,
        "expires": None,
        "expires_on": "",
        "reconvened_on": (
            french_date(session.reconvenes.date, weekday=False) if session.reconvenes else ""
        ),
        "pouvoir": pouvoir_sentence(body),
    }


def pouvoir_sentence(body: Body) -> str:
    """How an absent member gives a pouvoir, by the body's own statutes (CGCT L2121-20)."""
    limit = body.max_proxies_per_holder
    held = "un seul pouvoir" if limit <= 1 else f"{num2words(limit, lang='fr')} pouvoirs au plus"
    return (
        "En cas d'empêchement, vous pouvez donner pouvoir écrit de voter en votre nom à un "
        f"autre membre {wording.of_the(body.assembly_name)} (un membre ne peut détenir que "
        f"{held}, CGCT L2121-20) : depuis votre espace, avant l'ouverture de la séance, ou "
        "en en informant le secrétariat."
    )


def with_recipient(
    context: dict[str, object], recipient: Recipient, *, url: str, expires: dt.datetime | None
) -> dict[str, object]:
    """The shared context, for one member: his salutation, his personal link."""
    return {
        **context,
        "recipient": recipient,
        "salutation": recipient.salutation,
        "url": url,
        "expires": expires,
        "expires_on": french_date(timezone.localdate(expires), weekday=False) if expires else "",
    }


def link_validity(expires: dt.datetime) -> str:
    """« Ce lien personnel est valable jusqu'au 20 juin 2023 inclus … »."""
    day = timezone.localdate(expires)
    return (
        f"Ce lien personnel est valable jusqu'au {french_date(day, weekday=False)} inclus ; "
        "ensuite, connectez-vous à votre espace. En l'ouvrant, confirmez-nous la réception "
        "de la convocation (« J'ai bien reçu la convocation »)."
    )


def convocation_lines(context: dict[str, Any]) -> list[str]:
    """The convocation's plain-text lines, built from data: plain strings that every page
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
    if context.get("expires"):
        lines.append(link_validity(context["expires"]))
    if recipient is not None and recipient.is_substitute:
        person = recipient.mandate.person
        entity = recipient.mandate.entity
        lines += [
            "",
            "En votre qualité de suppléant"
            + wording.feminine_ending(person.civility)
            + (f" ({entity.short_name})" if entity else "")
            + ", vous siégez avec voix délibérative en l'absence d'un titulaire de votre "
            "collectivité : merci d'informer le secrétariat de votre présence.",
        ]
    closing = context["salutation"] if recipient else "Madame, Monsieur"
    lines += [
        "",
        context["pouvoir"],
        "",
        f"Je vous prie d'agréer, {closing}, l'expression de mes salutations distinguées.",
        "",
        f"{context['president_title']},",
        signatory.person.full_name if signatory else "",
    ]
    return lines


def convocation_text(context: dict[str, Any]) -> str:
    """The convocation's plain-text part (without the footer every member e-mail adds)."""
    return "\n".join(convocation_lines(context)) + "\n"


def convocation_subject(session: Session) -> str:
    return (
        f"Convocation — {session.body.assembly_name} du "
        f"{french_when(session.date, session.start_time)}"
    )


def convocation_reason(recipient: Recipient, context: dict[str, Any]) -> str:
    """Why he receives it: « vous êtes membre titulaire du Comité syndical du … »."""
    return f"vous êtes membre {recipient.quality} {context['of_assembly']} {context['of_body']}"


def convocation_preview(session: Session, *, today: dt.date | None = None) -> ConvocationPreview:
    """The convocation as it would leave today, with its recipients and the delay check."""
    today = today or timezone.localdate()
    items = convocation_items(session)
    members = convened_members(session)
    context = _context(session, items, None, _signatory(session))
    delay = session.body.convocation_delay_days
    return ConvocationPreview(
        subject=convocation_subject(session),
        text=convocation_text(context),
        html=render_to_string("meetings/email/convocation.html", context),
        items=items,
        recipients=[r for r in members if r.email],
        missing=[r for r in members if not r.email],
        paper=[r for r in members if r.by_paper],
        convene_substitutes=session.body.convene_substitutes,
        sent_on=today,
        clear_days=clear_days_between(today, session.date),
        delay_days=delay,
        warning=delay_warning(today, session.date, delay, today=True),
        deadline=convocation_deadline(session.date, delay),
    )


def convocation_message(
    context: dict[str, Any], recipient: Recipient, *, url: str, expires: dt.datetime
) -> EmailMultiAlternatives | None:
    """One member's convocation e-mail: his name, his personal link, why he receives it.

    `context` is built once for the sending (`convocation_context`): no query per member.
    """
    own = with_recipient(context, recipient, url=url, expires=expires)
    return member_message(
        recipient.mandate.person,
        "convocation",
        subject=convocation_subject(context["session"]),
        lines=convocation_lines(own),
        reason=convocation_reason(recipient, own),
        link=url,
        html=render_to_string("meetings/email/_convocation.html", own),
        to=recipient.email,
        stored={},
    )


def convocation_context(session: Session) -> dict[str, Any]:
    """The context shared by every member's e-mail, read once: items, signatory."""
    return _context(session, convocation_items(session), None, _signatory(session))
