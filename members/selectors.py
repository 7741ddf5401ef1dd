"""Read queries of the members app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from members.models import Body, Mandate, MemberEntity, Person, SecurityEvent
from pma_governance.lib.roles import ADMINISTRATOR, SECRETARIAT


def has_staff_role(user: Any) -> bool:
    """Secretariat or administrator: works on the bodies granted by BodyAccess."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    # Asked several times per request: read the groups once per user object.
    cached = getattr(user, "_pma_staff_role", None)
    if cached is None:
        cached = user.groups.filter(name__in=(SECRETARIAT, ADMINISTRATOR)).exists()
        user._pma_staff_role = cached
    return bool(cached)


def bodies_for_user(user: Any) -> QuerySet[Body]:
    """Bodies a user may see (DESIGN §1), never another body's.

    Superusers see all; the secretariat and administrators the bodies granted to them
    (BodyAccess); an élu only the bodies he sits in or sat in — a mandate of the person
    linked to his account —, whatever access was granted besides.
    """
    if not getattr(user, "is_authenticated", False):
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    if has_staff_role(user):
        return Body.objects.filter(accesses__user=user)
    return Body.objects.filter(pk__in=Mandate.objects.filter(person__user=user).values("body"))


def mandates_open_on(body: Body, day: dt.date) -> QuerySet[Mandate]:
    """Mandates (titulaires and suppléants) of a body open on a date."""
    return (
        Mandate.objects.filter(body=body, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("person", "entity")
        .order_by("role", "person__last_name", "person__first_name")
    )


def members_in_office(body: Body, day: dt.date) -> QuerySet[Mandate]:
    """Members in office at a date: titulaire mandates open at that date (DESIGN §3)."""
    return mandates_open_on(body, day).filter(role=Mandate.Role.TITULAIRE)


@dataclass(frozen=True)
class EntityRegister:
    """One member entity's part of the register on a date (entity None: not attached)."""

    entity: MemberEntity | None
    titulaires: list[Mandate]
    suppleants: list[Mandate]
    ended: list[Mandate] = field(default_factory=list)
    upcoming: list[Mandate] = field(default_factory=list)

    @property
    def seats(self) -> int | None:
        return self.entity.seats if self.entity is not None else None

    @property
    def vacant_seats(self) -> int:
        return max((self.seats or 0) - len(self.titulaires), 0)

    @property
    def is_empty(self) -> bool:
        return not (self.titulaires or self.suppleants or self.ended or self.upcoming)


@dataclass(frozen=True)
class Register:
    """The member register of a body on a date, grouped by member entity."""

    body: Body
    day: dt.date
    include_ended: bool
    entity: MemberEntity | None
    groups: list[EntityRegister]
    in_office: int  # titulaires open on day in the whole body (DESIGN §3), whatever the filter

    @property
    def titulaires_count(self) -> int:
        return sum(len(g.titulaires) for g in self.groups)

    @property
    def suppleants_count(self) -> int:
        return sum(len(g.suppleants) for g in self.groups)


def _register_order(mandate: Mandate) -> tuple[int, str, str]:
    # The président first, then the other officers, then everyone by name.
    office = mandate.office.casefold()
    rank = 0 if office.startswith("président") else 1 if office else 2
    return rank, mandate.person.last_name.casefold(), mandate.person.first_name.casefold()


def register(
    body: Body,
    day: dt.date,
    *,
    include_ended: bool = False,
    entity: MemberEntity | None = None,
) -> Register:
    """Members of a body on a date by entity, titulaires then suppléants; with
    include_ended, the mandates ended before the date and those starting after it too.

    Three queries whatever the size of the register (entities, mandates, body count).
    """
    entities = list(body.entities.order_by("name"))
    mandates = Mandate.objects.filter(body=body).select_related("person", "entity")
    if not include_ended:
        mandates = mandates.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )
    if entity is not None:
        entities = [e for e in entities if e.pk == entity.pk]
        mandates = mandates.filter(entity=entity)
    by_entity: dict[int | None, list[Mandate]] = {e.pk: [] for e in entities}
    by_entity[None] = []
    for mandate in sorted(mandates, key=_register_order):
        by_entity.setdefault(mandate.entity_id, []).append(mandate)

    def group(of: MemberEntity | None, rows: list[Mandate]) -> EntityRegister:
        current = [m for m in rows if m.is_open_on(day)]
        return EntityRegister(
            entity=of,
            titulaires=[m for m in current if m.role == Mandate.Role.TITULAIRE],
            suppleants=[m for m in current if m.role == Mandate.Role.SUPPLEANT],
            ended=sorted(
                (m for m in rows if m.end_date is not None and m.end_date < day),
                key=lambda m: (m.end_date, m.person.last_name),
                reverse=True,
            ),
            upcoming=sorted(
                (m for m in rows if m.start_date > day),
                key=lambda m: (m.start_date, m.person.last_name),
            ),
        )

    groups = [group(e, by_entity[e.pk]) for e in entities]
    if by_entity[None]:
        groups.append(group(None, by_entity[None]))
    in_office = (
        sum(len(g.titulaires) for g in groups)
        if entity is None
        else members_in_office(body, day).count()
    )
    return Register(
        body=body,
        day=day,
        include_ended=include_ended,
        entity=entity,
        groups=groups,
        in_office=in_office,
    )


def person_with_mandates(pk: int, *, bodies: QuerySet[Body] | None = None) -> Person:
    """A person and their mandates, latest first (only in `bodies` when given).

    Raises Person.DoesNotExist when the person has no mandate in those bodies.
    """
    mandates = Mandate.objects.select_related("body", "entity").order_by("-start_date", "-pk")
    people = Person.objects.all()
    if bodies is not None:
        mandates = mandates.filter(body__in=bodies)
        people = people.filter(pk__in=Mandate.objects.filter(body__in=bodies).values("person"))
    return people.prefetch_related(Prefetch("mandates", queryset=mandates)).get(pk=pk)


def entities_with_counts(body: Body, day: dt.date) -> QuerySet[MemberEntity]:
    """A body's member entities with `in_office` (titulaires open on day) and `suppleants`."""
    open_on_day = Q(mandates__start_date__lte=day) & (
        Q(mandates__end_date__isnull=True) | Q(mandates__end_date__gte=day)
    )
    return body.entities.annotate(
        in_office=Count("mandates", filter=open_on_day & Q(mandates__role=Mandate.Role.TITULAIRE)),
        suppleants=Count("mandates", filter=open_on_day & Q(mandates__role=Mandate.Role.SUPPLEANT)),
    ).order_by("name")


def entities_of(body: Body) -> QuerySet[MemberEntity]:
    return body.entities.order_by("name")


def security_events(
    *,
    kind: str = "",
    user: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[SecurityEvent]:
    """The security journal, most recent first, filtered by kind, account and dates (inclusive)."""
    events = SecurityEvent.objects.order_by("-at", "-pk")
    if kind:
        events = events.filter(kind=kind)
    if user:
        events = events.filter(username__icontains=user)
    if start:
        events = events.filter(at__date__gte=start)
    if end:
        events = events.filter(at__date__lte=end)
    return events
