"""Members' e-mails (issue 12 point 6): one builder honours the member's choices, says why
each e-mail was sent and links back; the e-mails leave through a real SMTP server."""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from members.models import NotificationPreference, Person
from members.notifications import (
    KINDS,
    member_message,
    preferences_of,
    preferences_of_many,
    send_messages,
)
from members.services import notification_preferences_set
from tests.conftest import Inbox
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL.rstrip("/")
PAGE = SITE + "/espace/seances/7/"
PREFERENCES = SITE + reverse("space:notifications")


def _person(**fields: object) -> Person:
    defaults: dict[str, object] = {
        "civility": "Mme",
        "first_name": "Corinne",
        "last_name": "Laversin",
        "email": "corinne.laversin@example.fr",
    }
    defaults.update(fields)
    return PersonFactory(**defaults)


def _message(
    person: Person, kind: str = "proxy", **fields: object
) -> EmailMultiAlternatives | None:
    options: dict[str, object] = {
        "subject": "Pouvoir reçu — séance du 13/06/2023",
        "lines": ["Madame,", "", "M. Jean Lemaire vous a donné pouvoir de voter en son nom."],
        "reason": "un membre vous a donné pouvoir pour cette séance",
        "link": PAGE,
    }
    options.update(fields)
    return member_message(person, kind, **options)  # type: ignore[arg-type]


def _html(message: EmailMultiAlternatives) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(content)


def _visible(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_the_four_kinds_keep_their_keys_and_only_convocations_are_forced() -> None:
    assert {"convocation", "proxy", "reminder", "deport"} <= set(KINDS)
    assert [k for k, spec in KINDS.items() if spec.always] == ["convocation"]


def test_a_kind_turned_off_sends_nothing_and_others_still_leave() -> None:
    person = _person()
    notification_preferences_set(person=person, choices={"proxy": False})

    assert _message(person, "proxy") is None
    assert _message(person, "deport") is not None
    assert _message(person, "reminder") is not None


def test_a_kind_turned_back_on_sends_again() -> None:
    person = _person()
    notification_preferences_set(person=person, choices={"reminder": False})
    notification_preferences_set(person=person, choices={"reminder": True})

    assert _message(person, "reminder") is not None
    assert preferences_of(person) == {"reminder": True}


def test_the_convocation_always_leaves_even_if_a_row_says_disabled() -> None:
    person = _person()
    # A row no form can write (the service skips it): the builder still sends.
    NotificationPreference.objects.create(person=person, kind="convocation", enabled=False)

    message = _message(person, "convocation", reason="vous êtes membre du comité syndical")

    assert message is not None
    assert message.to == ["corinne.laversin@example.fr"]


def test_the_service_never_stores_a_convocation_opt_out_and_refuses_unknown_kinds() -> None:
    person = _person()

    notification_preferences_set(person=person, choices={"convocation": False})
    with pytest.raises(ValidationError) as refused:
        notification_preferences_set(person=person, choices={"proxy": False, "publicite": False})

    assert not NotificationPreference.objects.filter(person=person).exists()
    assert refused.value.messages == ["Type de courriel inconnu : « publicite »."]


def test_no_address_gives_no_message() -> None:
    assert _message(_person(email="")) is None
    assert _message(_person(email=""), "convocation") is None


def test_an_explicit_address_wins_over_the_record() -> None:
    message = _message(_person(), to="  secretariat.mairie@example.fr ")

    assert message is not None and message.to == ["secretariat.mairie@example.fr"]


def test_the_preferences_of_many_members_are_read_in_one_query(
    django_assert_num_queries: object,
) -> None:
    people = [_person(last_name=f"Élu {n}") for n in range(5)]
    notification_preferences_set(person=people[0], choices={"proxy": False})
    notification_preferences_set(person=people[3], choices={"deport": False, "proxy": True})

    with django_assert_num_queries(1):  # type: ignore[operator]
        stored = preferences_of_many(people)
    sent = [_message(p, "proxy", stored=stored.get(p.pk, {})) for p in people]

    assert stored == {
        people[0].pk: {"proxy": False},
        people[3].pk: {"deport": False, "proxy": True},
    }
    assert [m is not None for m in sent] == [False, True, True, True, True]


def test_the_footer_says_why_and_links_back_in_both_parts() -> None:
    message = _message(_person())
    assert message is not None

    text = str(message.body)
    markup = _html(message)
    visible = _visible(markup)

    why = "Vous recevez ce message parce que un membre vous a donné pouvoir pour cette séance."
    assert why in text and why in visible
    assert f"Voir en ligne : {PAGE}" in text
    assert f"Ne plus recevoir ce type de courriel : {PREFERENCES}" in text
    assert f'<a href="{PAGE}">Voir en ligne</a>' in markup
    assert f'<a href="{PREFERENCES}">Ne plus recevoir ce type de courriel</a>' in markup


def test_the_convocation_footer_says_it_is_always_sent() -> None:
    message = _message(_person(), "convocation", reason="vous êtes membre du comité syndical")
    assert message is not None

    assert "Les convocations sont toujours envoyées." in str(message.body)
    assert f"Vos autres choix de courriels : {PREFERENCES}" in str(message.body)
    assert f'<a href="{PREFERENCES}">Vos autres choix de courriels</a>' in _html(message)
    assert "Ne plus recevoir" not in str(message.body) + _html(message)


def test_the_html_part_escapes_hostile_text_the_plain_text_keeps_it() -> None:
    hostile = '<script>alert("x")</script>'
    person = _person(first_name="Jean", last_name="Dupont", email="jean@example.fr")
    message = _message(
        person,
        subject=f"Pouvoir reçu de {hostile}",
        lines=[f"{hostile} vous a donné pouvoir.", "", "Motif : <b>gras</b> & « guillemets »"],
        reason=f"{hostile} vous a donné pouvoir",
    )
    assert message is not None

    markup = _html(message)
    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; vous a donné pouvoir." in markup
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; « guillemets »" in markup
    assert f"{hostile} vous a donné pouvoir." in str(message.body)
    assert "Motif : <b>gras</b> & « guillemets »" in str(message.body)
    assert f"parce que {hostile} vous a donné pouvoir." in str(message.body)


def test_paragraphs_keep_their_lines_and_links_become_clickable() -> None:
    message = _message(
        _person(),
        lines=["Madame,", "", "Première ligne", "deuxième ligne", "", f"Le projet : {PAGE}"],
    )
    assert message is not None

    markup = _html(message)
    assert "<p>Madame,</p>" in markup
    assert "<p>Première ligne<br>deuxième ligne</p>" in markup
    assert f'<a href="{PAGE}"' in markup.split("<hr")[0]


def _parts(received: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): str(part.get_content()).replace("\r\n", "\n")
        for part in received.walk()
        if not part.is_multipart()
    }


def test_the_messages_leave_over_smtp_with_a_plain_text_and_an_html_part(
    smtp_inbox: Inbox,
) -> None:
    keeps = _person()
    opted_out = _person(first_name="Jean", last_name="Lemaire", email="jean.lemaire@example.fr")
    notification_preferences_set(person=opted_out, choices={"proxy": False})

    sent = send_messages([_message(keeps), _message(opted_out), _message(_person(email=""))])

    assert sent == 1
    [received] = smtp_inbox.messages
    assert received["To"] == "corinne.laversin@example.fr"
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert received["Subject"] == "Pouvoir reçu — séance du 13/06/2023"
    assert received.get_content_type() == "multipart/alternative"
    parts = _parts(received)
    assert set(parts) == {"text/plain", "text/html"}
    assert parts["text/plain"].startswith("Madame,\n\nM. Jean Lemaire vous a donné pouvoir")
    assert "Vous recevez ce message parce que" in parts["text/plain"]
    assert PREFERENCES in parts["text/plain"]
    assert '<html lang="fr">' in parts["text/html"]
    assert f'href="{PAGE}"' in parts["text/html"]


def test_nothing_to_send_sends_nothing(smtp_inbox: Inbox) -> None:
    assert send_messages([None, None]) == 0
    assert smtp_inbox.messages == []


ROOT = Path(__file__).resolve().parents[2]
# Building or sending an e-mail by hand, anywhere but the builder.
BY_HAND = re.compile(
    r"\b(EmailMultiAlternatives|EmailMessage)\(|\bsend_(mass_)?mail\(|\bget_connection\("
    r"|\bmail_(admins|managers)\("
)
ALLOWED = {
    "members/notifications.py": "the one builder of members' e-mails",
    "pma_governance/accounts/forms.py": "the password reset: an account e-mail, not a member's",
}


def test_every_email_to_a_member_goes_through_the_builder() -> None:
    found = set()
    for package in ("members", "meetings", "deliberations", "pma_governance"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            lines = [line for line in source.splitlines() if not line.lstrip().startswith("def ")]
            if BY_HAND.search("\n".join(lines)):
                found.add(path.relative_to(ROOT).as_posix())

    assert found - set(ALLOWED) == set(), "use members.notifications.member_message"
    assert set(ALLOWED) - found == set(), "no longer builds e-mails: remove it from ALLOWED"
