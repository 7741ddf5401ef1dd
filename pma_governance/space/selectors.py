"""Read queries of the members' space: sessions by year, their documents, one's attendance.

Every query goes through `sessions_for_user` / `deliberations_for_user`, so an élu sees
only the bodies he sits in and never the secretariat's drafts; each page loads in a
fixed number of queries whatever the archive holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from deliberations.models import Deliberation, SignedDocument, VoteNonParticipant
from meetings.models import AgendaItem, Attendance, ProcesVerbal, Proxy, Session
from meetings.selectors import sessions_for_user
from members.models import Body, Mandate
from members.selectors import bodies_for_user

HELD = (Session.Status.HELD, Session.Status.CLOSED)
VOTED = ~Q(status=Deliberation.Status.DRAFT)


def session_years(user: Any, body: Body) -> list[int]:
    """The years in which the body met (or will meet), latest first."""
    return list(
        sessions_for_user(user)
        .filter(body=body)
        .annotate(year=ExtractYear("date"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def _signed(kind: str) -> Exists:
    return Exists(SignedDocument.objects.filter(kind=kind, session=OuterRef("pk")))


def sessions_of_year(user: Any, body: Body, year: int) -> QuerySet[Session]:
    """The body's sessions of a year, with what their documents need to be listed."""
    return (
        sessions_for_user(user)
        .filter(body=body, date__year=year)
        .select_related("pv")
        .annotate(
            item_count=Count("items", distinct=True),
            deliberation_count=Count("items__deliberation", distinct=True),
            voted_count=Count(
                "items__deliberation",
                filter=~Q(items__deliberation__status=Deliberation.Status.DRAFT),
                distinct=True,
            ),
            pv_signed=_signed("pv"),
        )
        .order_by("-date")
    )


def space_session(user: Any, pk: int) -> Session:
    """One session of the user's bodies with its ordre du jour, projets and votes."""
    deliberations = Deliberation.objects.select_related("body").order_by()
    items = AgendaItem.objects.select_related(
        "vote", "rapporteur__person", "adopts_pv__session"
    ).prefetch_related(Prefetch("deliberation", queryset=deliberations))
    return (
        sessions_for_user(user)
        .select_related("pv", "reconvenes")
        .prefetch_related(Prefetch("items", queryset=items.order_by("position")))
        .annotate(pv_signed=_signed("pv"))
        .get(pk=pk)
    )


def signed_deliberations(session: Session) -> set[int]:
    """Pks of the session's deliberations whose signed PDF is stored."""
    return set(
        SignedDocument.objects.filter(
            kind="deliberation", deliberation__item__session=session
        ).values_list("deliberation_id", flat=True)
    )


# --- One's own attendance ----------------------------------------------------------------


@dataclass
class AttendanceLine:
    """What one member did at one session: present, represented, excused, substituted…"""

    session: Session
    mandate: Mandate
    status: str  # present | seated | represented | substituted | excused | absent
    label: str
    details: list[str] = field(default_factory=list)

    @property
    def counts_present(self) -> bool:
        return self.status in {"present", "seated"}


@dataclass
class AttendanceYear:
    year: int
    years: list[int]
    lines: list[AttendanceLine]

    @property
    def held(self) -> int:
        return sum(1 for line in self.lines if line.mandate.role == Mandate.Role.TITULAIRE)

    @property
    def present(self) -> int:
        return sum(
            1
            for line in self.lines
            if line.mandate.role == Mandate.Role.TITULAIRE and line.counts_present
        )

    @property
    def represented(self) -> int:
        return sum(1 for line in self.lines if line.status in {"represented", "substituted"})

    @property
    def proxies_held(self) -> int:
        return sum(
            sum(1 for d in line.details if d.startswith("Pouvoir reçu")) for line in self.lines
        )


def own_mandates(user: Any) -> QuerySet[Mandate]:
    """The mandates of the person linked to the account, in the bodies the user may see."""
    if not getattr(user, "is_authenticated", False):
        return Mandate.objects.none()
    return (
        Mandate.objects.filter(person__user=user, body__in=bodies_for_user(user))
        .select_related("body", "person", "entity")
        .order_by("body__name", "start_date")
    )


def _in_office(mandate: Mandate, day: dt.date) -> bool:
    return mandate.start_date <= day and (mandate.end_date is None or mandate.end_date >= day)


def _name(mandate: Mandate) -> str:
    return mandate.person.full_name


def attendance_history(user: Any, year: int | None = None) -> AttendanceYear | None:
    """The user's own attendance and proxies, session by session, for one year.

    Held sessions only; a titulaire with no roll-call line was absent; a suppléant is
    listed for the sessions where he sat, held a proxy or stood in.
    """
    mandates = list(own_mandates(user))
    if not mandates:
        return None
    by_pk = {m.pk: m for m in mandates}
    held = Session.objects.filter(body__in={m.body_id for m in mandates}, status__in=HELD).filter(
        pk__in=sessions_for_user(user).values("pk")
    )
    years = sorted(
        set(held.annotate(year=ExtractYear("date")).values_list("year", flat=True)),
        reverse=True,
    )
    if not years:
        return AttendanceYear(year=year or dt.date.today().year, years=[], lines=[])
    if year not in years:
        year = years[0]
    sessions = list(held.filter(date__year=year).select_related("body").order_by("-date"))
    ids = [s.pk for s in sessions]
    own = list(by_pk)
    rows = Attendance.objects.filter(session__in=ids).filter(
        Q(mandate__in=own) | Q(replaces__in=own)
    )
    rows = rows.select_related("mandate__person", "replaces__person", "arrived_at", "left_at")
    proxies = (
        Proxy.objects.filter(session__in=ids, revoked_at__isnull=True)
        .filter(Q(giver__in=own) | Q(holder__in=own))
        .select_related("giver__person", "holder__person", "from_item")
    )
    abstained = VoteNonParticipant.objects.filter(
        vote__item__session__in=ids, mandate__in=own
    ).select_related("vote__item")
    attendance: dict[tuple[int, int], Attendance] = {}
    replaced_by: dict[tuple[int, int], Attendance] = {}
    for row in rows:
        if row.mandate_id in by_pk:
            attendance[(row.session_id, row.mandate_id)] = row
        if row.replaces_id in by_pk:
            replaced_by[(row.session_id, row.replaces_id or 0)] = row
    given: dict[tuple[int, int], Proxy] = {}
    held_proxies: dict[tuple[int, int], list[Proxy]] = defaultdict(list)
    for proxy in proxies:
        if proxy.giver_id in by_pk:
            given[(proxy.session_id, proxy.giver_id)] = proxy
        if proxy.holder_id in by_pk:
            held_proxies[(proxy.session_id, proxy.holder_id)].append(proxy)
    not_voting: dict[tuple[int, int], list[AgendaItem]] = defaultdict(list)
    for entry in abstained:
        not_voting[(entry.vote.item.session_id, entry.mandate_id)].append(entry.vote.item)

    lines = []
    for session in sessions:
        for mandate in mandates:
            if mandate.body_id != session.body_id or not _in_office(mandate, session.date):
                continue
            key = (session.pk, mandate.pk)
            line = _line(
                session,
                mandate,
                attendance.get(key),
                replaced_by.get(key),
                given.get(key),
                held_proxies.get(key, []),
                not_voting.get(key, []),
            )
            if line is not None:
                lines.append(line)
    return AttendanceYear(year=year, years=years, lines=lines)


def _line(
    session: Session,
    mandate: Mandate,
    row: Attendance | None,
    substitute: Attendance | None,
    proxy: Proxy | None,
    held: list[Proxy],
    not_voting: list[AgendaItem],
) -> AttendanceLine | None:
    details: list[str] = []
    titulaire = mandate.role == Mandate.Role.TITULAIRE
    if row is not None and row.status == Attendance.Status.PRESENT:
        if row.seated and row.replaces is not None:
            status, label = "seated", f"Présent, suppléant de {_name(row.replaces)}"
        elif not titulaire and not row.seated:
            status, label = "present", "Présent (suppléant, sans voix délibérative)"
        else:
            status, label = "present", "Présent"
        if row.arrived_at is not None:
            details.append(f"Arrivé au point n° {row.arrived_at.position}")
        if row.left_at is not None:
            details.append(f"Parti avant le point n° {row.left_at.position}")
    elif substitute is not None:
        status, label = "substituted", f"Suppléé par {_name(substitute.mandate)}"
    elif proxy is not None:
        status, label = "represented", f"Représenté : pouvoir donné à {_name(proxy.holder)}"
        if proxy.from_item is not None:
            details.append(f"Pouvoir à compter du point n° {proxy.from_item.position}")
    elif row is not None and row.status == Attendance.Status.EXCUSED:
        status, label = "excused", "Excusé"
    elif titulaire:
        status, label = "absent", "Absent"
    elif not held:
        return None  # a suppléant who did not sit: nothing to report
    else:
        status, label = "absent", "Absent"
    for received in held:
        details.append(f"Pouvoir reçu de {_name(received.giver)}")
    for item in not_voting:
        details.append(f"N'a pas pris part au vote du point n° {item.position}")
    return AttendanceLine(
        session=session, mandate=mandate, status=status, label=label, details=details
    )


def pv_label(pv: ProcesVerbal | None, signed: bool) -> str:
    """Where the procès-verbal stands, for the list of documents."""
    if pv is None:
        return ""
    if pv.status == ProcesVerbal.Status.PUBLISHED and pv.published_on:
        return f"publié le {pv.published_on:%d/%m/%Y}"
    if pv.status == ProcesVerbal.Status.ADOPTED:
        return "adopté"
    if signed:
        return "signé"
    return "projet"
