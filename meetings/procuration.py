"""The procuration (pouvoir écrit, CGCT L2121-20): rendered, then signed by the mandant.

The one place that makes it. The mandant signs in the app: with his own certificate when
one is registered for him (PAdES, opened by the passphrase he types, never kept); else the
body seals the PDF, its visible stamp stating that he signed from his account, logged in
with two-factor authentication, at that time. Either way the PDF is kept on the answer
(`procuration_pdf`, `procuration_signed_at`) and served as signed, never rendered again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings.answers import answers_closed_reason
from meetings.convocation import french_when
from meetings.models import AttendanceAnswer, Session
from meetings.roll import of_name
from members.certificates import active_certificate, open_signing_key
from members.models import Mandate, Person, SecurityEvent
from members.security import record_event
from pma_governance.lib import wording
from pma_governance.lib.db import refused_when_frozen
from pma_governance.lib.pades import PARIS, Signatory, SigningError, seal_pdf, sign_pdf
from pma_governance.lib.pdf import render_pdf

FIELD = "mandant"
# Where the seal goes if the document reserved no space (it always does): bottom left.
FALLBACK_BOX = (42, 60, 290, 140)


def _role(mandate: Mandate) -> str:
    feminine = mandate.person.civility == Person.Civility.MRS
    if mandate.role == Mandate.Role.SUPPLEANT:
        return "membre suppléante" if feminine else "membre suppléant"
    return "membre titulaire"


def procuration_context(answer: AttendanceAnswer, day: dt.date) -> dict[str, Any]:
    """What the procuration states: mandant, mandataire, session, « Fait à …, le … »."""
    session: Session = answer.session
    body = session.body
    assert answer.holder is not None
    giver, holder = answer.mandate.person, answer.holder.person
    assembly = f"{wording.of_the(body.assembly_name.lower())} {wording.of_the(body.name)}"
    title = "Pouvoir (procuration)"
    return {
        "doc": {
            "title": f"{title} {of_name(giver.full_name)} — séance du "
            f"{wording.plain_date(session.date)}",
            "author": body.name,
            "subject": title,
            "running_title": f"Séance du {wording.plain_date(session.date)}",
            "footer": f"Pouvoir {of_name(giver.full_name)} à {holder.full_name}",
        },
        "heading": {
            "assembly": wording.upper(f"{body.assembly_name} {wording.of_the(body.name)}"),
            "session": wording.upper_session_heading(session.date),
        },
        "assembly": assembly,
        "when": french_when(session.date, session.start_time),
        "place": session.place,
        "mandant": f"{giver.civility} {giver.full_name}",
        "mandant_e": wording.feminine_ending(giver.civility),
        "mandant_role": _role(answer.mandate),
        "mandant_entity": answer.mandate.entity.name if answer.mandate.entity else "",
        "mandataire": f"{holder.civility} {holder.full_name}",
        "mandataire_role": _role(answer.holder),
        "max_per_holder": body.max_proxies_per_holder,
        "done_at": wording.done_at(body.seat_city, day).replace(" le ", ", le ", 1),
        "signatures": [
            {"label": "Le mandant", "field": FIELD, "name": f"{giver.civility} {giver.full_name}"}
        ],
    }


def procuration_render(answer: AttendanceAnswer, day: dt.date | None = None) -> bytes:
    """The procuration, unsigned, as the mandant is about to sign it."""
    return render_pdf("pdf/procuration.html", procuration_context(answer, day or _today()))


def _today() -> dt.date:
    return timezone.localdate()


def seal_mention(name: str, when: dt.datetime) -> str:
    """The seal's visible text when the mandant signs without a certificate."""
    local = when.astimezone(PARIS)
    return (
        f"Signé par {name}, mandant,\n"
        "depuis son compte (connexion à double\n"
        "authentification vérifiée),\n"
        f"le {local:%d/%m/%Y} à {local:%H:%M}"
    )


def may_sign_with_certificate(person: Person) -> bool:
    return active_certificate(person) is not None


@transaction.atomic
def procuration_sign(
    answer: AttendanceAnswer, user: Any, *, passphrase: str = "", verified: bool = False
) -> AttendanceAnswer:
    """The mandant signs his procuration: with his certificate if he has one, else the app
    seals it, stating his two-factor login (`verified`: this login entered its code)."""
    session = Session.objects.select_for_update().select_related("body").get(pk=answer.session_id)
    reason = answers_closed_reason(session)
    if reason:
        raise ValidationError(reason)
    row = (
        AttendanceAnswer.objects.select_for_update(of=("self",))
        .select_related("mandate__person", "mandate__entity", "holder__person")
        .filter(pk=answer.pk)
        .first()
    )
    if row is None or row.answer != AttendanceAnswer.Answer.PROXY or row.holder is None:
        raise ValidationError("Ce pouvoir n'existe plus : il n'y a pas de procuration à signer.")
    row.session = session
    person = row.mandate.person
    if user is None or person.user_id is None or person.user_id != user.pk:
        raise ValidationError(
            f"Seul {person.full_name} signe sa procuration, depuis son propre compte."
        )
    if row.procuration_signed_at is not None:
        raise ValidationError("Votre procuration est déjà signée.")
    now = timezone.now()
    pdf = procuration_render(row, timezone.localdate(now))
    certificate = active_certificate(person)
    try:
        if certificate is not None:
            certificate, signer = open_signing_key(person, passphrase)
            pdf = sign_pdf(
                pdf,
                signatory=Signatory(name=person.full_name, role="mandant"),
                field_name=FIELD,
                reason="Pouvoir (CGCT L2121-20)",
                location=session.body.seat_city,
                signer=signer,
            )
            how = f"certificat {certificate.fingerprint[:16]}…"
        else:
            if not verified:
                raise ValidationError(
                    "Pour signer votre procuration sans certificat personnel, connectez-vous "
                    "avec l'authentification à deux facteurs (code à usage unique) : "
                    "activez-la depuis « Mon compte »."
                )
            pdf = seal_pdf(
                pdf,
                mention=seal_mention(person.full_name, now),
                name=session.body.name,
                field_name=FIELD,
                reason=f"Pouvoir de {person.full_name}, signé depuis son compte",
                location=session.body.seat_city,
                fallback_box=FALLBACK_BOX,
            )
            how = "sceau de l'application, connexion à double authentification"
    except SigningError as exc:
        raise ValidationError(str(exc)) from None
    row.procuration_pdf = pdf
    row.procuration_signed_at = now
    with refused_when_frozen():
        row.save(update_fields=["procuration_pdf", "procuration_signed_at"])
    record_event(
        kind=SecurityEvent.Kind.SIGNATURE,
        user=user,
        detail=f"Procuration {of_name(person.full_name)} à {row.holder.person.full_name} pour la "
        f"séance du {session.date:%d/%m/%Y} signée ({how}).",
    )
    return row


def procuration_readers(answer: AttendanceAnswer) -> set[int]:
    """The accounts that may download a procuration besides the secretariat: the mandant's
    and the mandataire's."""
    users = {answer.mandate.person.user_id}
    if answer.holder is not None:
        users.add(answer.holder.person.user_id)
    return {u for u in users if u is not None}
