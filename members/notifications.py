"""The e-mails a member receives, his choices, and the one place that builds them.

Every e-mail to a member goes through `member_message`: it honours his preferences
(convocations always leave), says why it was sent and links back — to the page it is
about and to the page where he changes his choices. Plain text and HTML parts, both.

    message = member_message(
        person, "proxy",
        subject="Pouvoir reçu — Comité syndical du 13 juin 2023",
        lines=["Madame Jeanne Martin vous a donné pouvoir de voter en son nom…"],
        reason="un membre vous a donné pouvoir pour cette séance",
        link=absolute_url(reverse("space:session", args=[session.pk])),
    )
    if message is not None:
        send_messages([message])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from members.models import NotificationPreference, Person


@dataclass(frozen=True)
class NotificationKind:
    """One kind of e-mail, as the member sees it on his preferences page."""

    key: str
    label: str
    help: str
    default: bool = True
    always: bool = False


KINDS: dict[str, NotificationKind] = {
    kind.key: kind
    for kind in (
        NotificationKind(
            "convocation",
            "Convocations aux séances",
            "La convocation, l'ordre du jour et le lien vers les projets. Toujours envoyée : "
            "elle fait courir le délai légal (CGCT L2121-10).",
            always=True,
        ),
        NotificationKind(
            "proxy",
            "Pouvoirs donnés ou reçus",
            "La confirmation d'un pouvoir que vous donnez ou qui vous est confié, et de sa "
            "révocation.",
        ),
        NotificationKind(
            "reminder",
            "Rappels avant une séance",
            "Un rappel du secrétariat quand vous n'avez pas encore indiqué votre présence.",
        ),
        NotificationKind(
            "deport",
            "Déports",
            "La confirmation d'un déport déclaré par vous ou enregistré par le secrétariat.",
        ),
    )
}


def absolute_url(path: str) -> str:
    """An address of the site, as written in an e-mail."""
    return settings.SITE_URL.rstrip("/") + path


def preferences_url() -> str:
    return absolute_url(reverse("space:notifications"))


def wants(person: Person, kind: str, stored: dict[str, bool] | None = None) -> bool:
    """Whether `person` receives e-mails of `kind` (`stored`: his rows, already read)."""
    spec = KINDS[kind]
    if spec.always:
        return True
    if stored is None:
        stored = preferences_of(person)
    return stored.get(kind, spec.default)


def preferences_of(person: Person) -> dict[str, bool]:
    return dict(NotificationPreference.objects.filter(person=person).values_list("kind", "enabled"))


def preferences_of_many(persons: Iterable[Person]) -> dict[int, dict[str, bool]]:
    """Everyone's stored choices in one query."""
    found: dict[int, dict[str, bool]] = {}
    rows = NotificationPreference.objects.filter(person__in=list(persons)).values_list(
        "person_id", "kind", "enabled"
    )
    for person_id, kind, enabled in rows:
        found.setdefault(person_id, {})[kind] = enabled
    return found


def footer_lines(reason: str, link: str, *, kind: str) -> list[str]:
    """Why the e-mail was sent and where to go: closes every plain-text part."""
    lines = ["", "—", f"Vous recevez ce message parce que {reason}.", f"Voir en ligne : {link}"]
    if KINDS[kind].always:
        lines.append(
            "Les convocations sont toujours envoyées. Vos autres choix de courriels : "
            + preferences_url()
        )
    else:
        lines.append(f"Ne plus recevoir ce type de courriel : {preferences_url()}")
    return lines


def member_message(
    person: Person,
    kind: str,
    *,
    subject: str,
    lines: Sequence[str],
    reason: str,
    link: str,
    html: str | None = None,
    to: str | None = None,
    stored: dict[str, bool] | None = None,
) -> EmailMultiAlternatives | None:
    """The e-mail to `person`, or None when he chose not to receive this kind or has no
    address. `lines` is the plain text (the HTML part is built from it unless `html`,
    a rendered body fragment, is given); the footer says why and links back."""
    address = (to or person.email).strip()
    if not address or not wants(person, kind, stored):
        return None
    text = "\n".join([*lines, *footer_lines(reason, link, kind=kind)]) + "\n"
    context = {
        "subject": subject,
        "paragraphs": _paragraphs(lines),
        "body_html": html,
        "reason": reason,
        "link": link,
        "always": KINDS[kind].always,
        "preferences_url": preferences_url(),
    }
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
    )
    message.attach_alternative(render_to_string("members/email/member.html", context), "text/html")
    return message


def _paragraphs(lines: Sequence[str]) -> list[list[str]]:
    """Blank lines separate paragraphs; the lines of a paragraph keep their breaks."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def send_messages(messages: Iterable[EmailMultiAlternatives | None]) -> int:
    """Send the e-mails that exist, on one SMTP connection; how many left."""
    ready = [m for m in messages if m is not None]
    if not ready:
        return 0
    return get_connection(fail_silently=False).send_messages(ready) or 0
