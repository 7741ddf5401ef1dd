"""Publication online (CGCT R2131-1): `deliberation_publish` and `pv_publish` put a signed
act online; the public pages then serve its signed PDF exactly as stored, with the
publication date."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deliberations.executoire import stamped_copy_when_due
from deliberations.models import Deliberation
from deliberations.storage import get_signed
from meetings.models import ProcesVerbal
from members.models import SecurityEvent
from members.security import record_event
from pma_governance.lib.db import refused_when_frozen


def _date_problems(published_on: dt.date, signed_at: dt.datetime | None) -> list[str]:
    problems = []
    if published_on > timezone.localdate():
        problems.append(f"La date de publication ({published_on:%d/%m/%Y}) est dans le futur.")
    if signed_at is not None and published_on < timezone.localdate(signed_at):
        problems.append(
            f"La date de publication ({published_on:%d/%m/%Y}) précède la signature "
            f"({timezone.localdate(signed_at):%d/%m/%Y})."
        )
    return problems


@transaction.atomic
def deliberation_publish(*, deliberation: Deliberation, published_on: dt.date) -> Deliberation:
    """Publish a signed deliberation: its signed PDF goes online with the publication date.

    Once the accusé de réception is also recorded, the act's stamped copy is made."""
    # Lock the act: two publications at once must not both pass the checks.
    deliberation = (
        Deliberation.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=deliberation.pk)
    )
    label = f"La délibération n° {deliberation.number or '(projet)'}"
    if deliberation.status == Deliberation.Status.PUBLISHED:
        since = (
            f" depuis le {deliberation.published_on:%d/%m/%Y}" if deliberation.published_on else ""
        )
        raise ValidationError(f"{label} est déjà publiée{since}.")
    if not deliberation.is_publishable:
        raise ValidationError(f"{label} n'est pas signée : elle ne peut être publiée.")
    if get_signed("deliberation", deliberation=deliberation) is None:
        raise ValidationError(
            f"{label} n'a pas de PDF signé enregistré : elle ne peut être publiée."
        )
    problems = _date_problems(published_on, deliberation.signed_at)
    if problems:
        raise ValidationError(problems)
    deliberation.published_on = published_on
    deliberation.status = Deliberation.Status.PUBLISHED
    deliberation.full_clean()
    with refused_when_frozen():
        deliberation.save(update_fields=["published_on", "status"])
    record_event(
        kind=SecurityEvent.Kind.PUBLICATION,
        detail=f"Délibération n° {deliberation.number} publiée le {published_on:%d/%m/%Y}.",
    )
    stamped_copy_when_due(deliberation=deliberation)
    return deliberation


@transaction.atomic
def pv_publish(*, pv: ProcesVerbal, published_on: dt.date) -> ProcesVerbal:
    """Publish a signed (or adopted) procès-verbal: its signed PDF goes online."""
    # Lock the PV: two publications at once must not both pass the checks.
    pv = (
        ProcesVerbal.objects.select_for_update(of=("self",)).select_related("session").get(pk=pv.pk)
    )
    label = f"Le procès-verbal de la séance du {pv.session.date:%d/%m/%Y}"
    if pv.status == ProcesVerbal.Status.PUBLISHED:
        since = f" depuis le {pv.published_on:%d/%m/%Y}" if pv.published_on else ""
        raise ValidationError(f"{label} est déjà publié{since}.")
    if not pv.is_publishable:
        raise ValidationError(f"{label} n'est pas signé : il ne peut être publié.")
    if get_signed("pv", session=pv.session) is None:
        raise ValidationError(f"{label} n'a pas de PDF signé enregistré : il ne peut être publié.")
    problems = _date_problems(published_on, pv.signed_at)
    if problems:
        raise ValidationError(problems)
    pv.published_on = published_on
    pv.status = ProcesVerbal.Status.PUBLISHED
    pv.full_clean()
    with refused_when_frozen():
        pv.save(update_fields=["published_on", "status", "updated_at"])
    record_event(
        kind=SecurityEvent.Kind.PUBLICATION,
        detail=f"Procès-verbal de la séance du {pv.session.date:%d/%m/%Y} publié le "
        f"{published_on:%d/%m/%Y}.",
    )
    return pv
