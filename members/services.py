"""Writes of the members app: persons, mandates and member entities.

Every function checks the register's rules before anything is saved and refuses with a
French message naming the person or the entity: one person holds one titulaire seat at a
time in a body, and an entity never has more titulaires in office than its seats.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from members.models import Body, Mandate, MemberEntity, NotificationPreference, Person
from members.notifications import KINDS

EXTERNAL_ID_MAX = 60


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "…"


def _open_between(start: dt.date, end: dt.date | None) -> Q:
    """Mandates whose period meets [start, end] (end None: open-ended)."""
    overlap = Q(end_date__isnull=True) | Q(end_date__gte=start)
    if end is not None:
        overlap &= Q(start_date__lte=end)
    return overlap


def _titulaire_peak(
    entity: MemberEntity, start: dt.date, end: dt.date | None, *, exclude_pk: int | None = None
) -> tuple[int, dt.date]:
    """The highest number of titulaires of an entity open on one day of [start, end], and
    the first such day. The count only rises on a start date, so those are the days to try."""
    others = Mandate.objects.filter(entity=entity, role=Mandate.Role.TITULAIRE).filter(
        _open_between(start, end)
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    periods = list(others.only("start_date", "end_date"))
    days = sorted({start} | {m.start_date for m in periods if m.start_date > start})
    peak, peak_day = 0, start
    for day in days:
        count = sum(1 for m in periods if m.is_open_on(day))
        if count > peak:
            peak, peak_day = count, day
    return peak, peak_day


def _external_id_for(person: Person, body: Body) -> str:
    """A free slug in the body from the person's name: `laversin`, `corinne-laversin`, `…-2`."""
    last = slugify(person.last_name)[:EXTERNAL_ID_MAX] or "membre"
    full = slugify(person.full_name)[: EXTERNAL_ID_MAX - 4] or last
    taken = set(
        Mandate.objects.filter(body=body)
        .filter(Q(external_id__startswith=last) | Q(external_id__startswith=full))
        .values_list("external_id", flat=True)
    )
    for candidate in (last, full):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{full}-{n}" in taken:
        n += 1
    return f"{full}-{n}"


def _check_mandate(mandate: Mandate) -> None:
    """The register's rules for a new or changed mandate (every refusal in one error)."""
    name = mandate.person.full_name
    errors: dict[str, list[str]] = {}
    if mandate.end_date is not None and mandate.end_date < mandate.start_date:
        errors.setdefault("end_date", []).append(
            f"La fin du mandat de {name} ({_fmt(mandate.end_date)}) ne peut précéder "
            f"son début ({_fmt(mandate.start_date)})."
        )
        raise ValidationError(errors)
    entity = mandate.entity
    if entity is not None and entity.body_id != mandate.body_id:
        errors.setdefault("entity", []).append(
            f"{entity.name} n'est pas membre adhérent de cette assemblée."
        )
    if mandate.role == Mandate.Role.TITULAIRE:
        same = (
            Mandate.objects.filter(
                body_id=mandate.body_id, person_id=mandate.person_id, role=Mandate.Role.TITULAIRE
            )
            .filter(_open_between(mandate.start_date, mandate.end_date))
            .exclude(pk=mandate.pk)
            .order_by("start_date")
            .first()
        )
        if same is not None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"{name} est déjà titulaire dans cette assemblée du {_fmt(same.start_date)} "
                f"au {_fmt(same.end_date)} : un élu ne détient qu'un mandat de titulaire à la fois."
            )
        if entity is not None and entity.body_id == mandate.body_id:
            peak, day = _titulaire_peak(
                entity, mandate.start_date, mandate.end_date, exclude_pk=mandate.pk
            )
            if peak + 1 > entity.seats:
                seats = "Le siège" if entity.seats == 1 else f"Les {entity.seats} sièges"
                taken = "est déjà pourvu" if entity.seats == 1 else "sont déjà tous pourvus"
                errors.setdefault("entity", []).append(
                    f"{seats} de titulaire de {entity.name} ({entity.short_name}) {taken} "
                    f"le {_fmt(day)} : {name} ne peut y être titulaire."
                )
    if errors:
        raise ValidationError(errors)


def _check_external_id(mandate: Mandate) -> None:
    clash = (
        Mandate.objects.filter(body_id=mandate.body_id, external_id=mandate.external_id)
        .exclude(pk=mandate.pk)
        .select_related("person")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "external_id": (
                    f"L'identifiant « {mandate.external_id} » est déjà celui du mandat de "
                    f"{clash.person.full_name} dans cette assemblée."
                )
            }
        )


def _lock_entity(entity: MemberEntity | None) -> None:
    # Two secretaries seating titulaires in one entity at once must not both pass the seat count.
    if entity is not None:
        MemberEntity.objects.select_for_update().filter(pk=entity.pk).first()


@transaction.atomic
def mandate_create(
    *,
    person: Person,
    body: Body,
    role: str,
    start_date: dt.date,
    entity: MemberEntity | None = None,
    office: str = "",
    end_date: dt.date | None = None,
    external_id: str = "",
    note: str = "",
) -> Mandate:
    """Give a person a seat (titulaire or suppléant) in a body for a member entity."""
    _lock_entity(entity)
    # Locked so that two titulaire mandates cannot be opened for one person at once.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    mandate = Mandate(
        body=body,
        person=person,
        entity=entity,
        role=role,
        office=office.strip(),
        start_date=start_date,
        end_date=end_date,
        external_id=external_id.strip() or _external_id_for(person, body),
        note=note,
    )
    _check_mandate(mandate)
    _check_external_id(mandate)
    mandate.full_clean()
    mandate.save()
    return mandate


@transaction.atomic
def mandate_end(*, mandate: Mandate, end_date: dt.date) -> Mandate:
    """End a mandate on a date (its last day in office); returns the saved mandate."""
    mandate = (
        Mandate.objects.select_for_update(of=("self",))
        .select_related("person", "entity")
        .get(pk=mandate.pk)
    )
    name = mandate.person.full_name
    if end_date < mandate.start_date:
        raise ValidationError(
            {
                "end_date": (
                    f"La fin du mandat de {name} ({_fmt(end_date)}) ne peut précéder "
                    f"son début ({_fmt(mandate.start_date)})."
                )
            }
        )
    # Facts freeze (DESIGN §4.6): a mandate on a session's roll was in office that day.
    attended = (
        mandate.attendances.filter(session__date__gt=end_date)
        .select_related("session")
        .order_by("session__date")
        .first()
    )
    if attended is not None:
        raise ValidationError(
            {
                "end_date": (
                    f"{name} figure à l'appel de la séance du {_fmt(attended.session.date)} : "
                    "son mandat ne peut prendre fin avant cette date."
                )
            }
        )
    extended = mandate.end_date is not None and end_date > mandate.end_date
    mandate.end_date = end_date
    if extended:
        _lock_entity(mandate.entity)
        _check_mandate(mandate)
    mandate.full_clean()
    mandate.save()
    return mandate


@transaction.atomic
def mandate_promote(*, mandate: Mandate, day: dt.date, office: str = "") -> Mandate:
    """« Le suppléant devient titulaire »: the suppléant mandate ends on day − 1 and a
    titulaire mandate for the same person and entity opens on day; returns the new one."""
    # Locked so that a double click cannot promote the same suppléant twice.
    mandate = (
        Mandate.objects.select_for_update(of=("self",))
        .select_related("person", "entity", "body")
        .get(pk=mandate.pk)
    )
    name = mandate.person.full_name
    if mandate.role != Mandate.Role.SUPPLEANT:
        raise ValidationError(
            f"{name} n'est pas suppléant : seul un suppléant peut devenir titulaire."
        )
    eve = day - dt.timedelta(days=1)
    if mandate.start_date > eve:
        raise ValidationError(
            {
                "day": (
                    f"Le mandat de suppléant de {name} commence le {_fmt(mandate.start_date)} : "
                    f"{name} ne peut devenir titulaire qu'à partir du "
                    f"{_fmt(mandate.start_date + dt.timedelta(days=1))}."
                )
            }
        )
    if mandate.end_date is not None and mandate.end_date < eve:
        raise ValidationError(
            {
                "day": (
                    f"Le mandat de suppléant de {name} a pris fin le {_fmt(mandate.end_date)} : "
                    f"il n'est plus en cours le {_fmt(eve)}."
                )
            }
        )
    mandate_end(mandate=mandate, end_date=eve)
    return mandate_create(
        person=mandate.person,
        body=mandate.body,
        role=Mandate.Role.TITULAIRE,
        entity=mandate.entity,
        office=office,
        start_date=day,
        note=f"Suppléant devenu titulaire le {_fmt(day)}.",
    )


@transaction.atomic
def person_create(
    *,
    body: Body,
    civility: str,
    last_name: str,
    role: str,
    start_date: dt.date,
    first_name: str = "",
    email: str = "",
    phone: str = "",
    entity: MemberEntity | None = None,
    office: str = "",
    external_id: str = "",
    paper_convocation: bool = False,
) -> Person:
    """Register an elected person together with their first mandate in the body."""
    person = Person(
        civility=civility,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        paper_convocation=paper_convocation,
    )
    person.full_clean()
    person.save()
    mandate_create(
        person=person,
        body=body,
        role=role,
        entity=entity,
        office=office,
        start_date=start_date,
        external_id=external_id,
    )
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    civility: str,
    last_name: str,
    first_name: str = "",
    email: str = "",
    phone: str = "",
    paper_convocation: bool | None = None,
) -> Person:
    """Correct a person's civility, name or contact (their mandates are untouched);
    `paper_convocation` (None: unchanged) is whether he also gets the convocation by post."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.civility = civility
    person.first_name = first_name.strip()
    person.last_name = last_name.strip()
    person.email = email.strip()
    person.phone = phone.strip()
    if paper_convocation is not None:
        person.paper_convocation = paper_convocation
    person.full_clean()
    person.save()
    return person


def _check_entity(entity: MemberEntity) -> None:
    errors: dict[str, str] = {}
    if entity.seats < 1:
        errors["seats"] = f"{entity.name} doit disposer d'au moins un siège de titulaire."
    clash = (
        MemberEntity.objects.filter(body_id=entity.body_id, short_name__iexact=entity.short_name)
        .exclude(pk=entity.pk)
        .first()
    )
    if clash is not None:
        errors["short_name"] = (
            f"Le sigle « {entity.short_name} » est déjà celui de {clash.name} dans cette assemblée."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def entity_create(*, body: Body, name: str, short_name: str, seats: int) -> MemberEntity:
    """Add a member collectivity to a body, with its number of titulaire seats."""
    entity = MemberEntity(body=body, name=name.strip(), short_name=short_name.strip(), seats=seats)
    _check_entity(entity)
    entity.full_clean()
    entity.save()
    return entity


@transaction.atomic
def entity_update(*, entity: MemberEntity, name: str, short_name: str, seats: int) -> MemberEntity:
    """Rename a member entity or change its seats; never below its titulaires from today on."""
    entity = MemberEntity.objects.select_for_update().get(pk=entity.pk)
    entity.name, entity.short_name, entity.seats = name.strip(), short_name.strip(), seats
    _check_entity(entity)
    today = timezone.localdate()
    peak, day = _titulaire_peak(entity, today, None)
    if peak > seats:
        raise ValidationError(
            {
                "seats": (
                    f"{entity.name} compte {peak} titulaires en exercice le {_fmt(day)} : "
                    f"le nombre de sièges ne peut descendre à {seats}. Terminez d'abord "
                    "les mandats en trop."
                )
            }
        )
    entity.full_clean()
    entity.save()
    return entity


@transaction.atomic
def notification_preferences_set(
    *, person: Person, choices: dict[str, bool], paper_convocation: bool | None = None
) -> None:
    """Store a person's choice for each kind of e-mail; convocations cannot be turned off.

    `paper_convocation` (None: unchanged): he also wants the convocation by post (CGCT
    L2121-10 lets the member ask for it); the change is kept in the person's history.
    """
    for kind, enabled in choices.items():
        spec = KINDS.get(kind)
        if spec is None:
            raise ValidationError(f"Type de courriel inconnu : « {kind} ».")
        if spec.always:
            continue
        NotificationPreference.objects.update_or_create(
            person=person, kind=kind, defaults={"enabled": enabled}
        )
    if paper_convocation is not None:
        # Lock the row: the secretariat may be editing the same record at that moment.
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.paper_convocation != paper_convocation:
            locked.paper_convocation = paper_convocation
            locked.save(update_fields=["paper_convocation"])
        person.paper_convocation = paper_convocation
