"""Read queries of the public pages: published acts only, in a constant number of queries.

An act is public when its status is « published » (set by the publication services, which
require a signed act) and its signed PDF is stored: the second condition is checked in
SQL too, so that a row written by an import or by hand never reaches the public.

This module is the only place that decides what is public: the public pages, the Atom
feed, the sitemap, the JSON API and the open-data file all read through it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Greatest

from deliberations.executoire import copy_signatories
from deliberations.models import Deliberation, Erratum, Vote
from deliberations.selectors import published_deliberations, published_pvs
from deliberations.statements import votes_with_names
from meetings.models import ProcesVerbal, Session
from members.models import Body, Mandate

# --- Stable public references of a deliberation ---------------------------------------------

# An act number (« 2023/PMA00192 ») in a URL: « 2023-PMA00192 ». Numbers are unique per body
# and never change once signed, so the URL of a published act never changes either.
_NOT_IN_SLUG = r"[^A-Za-z0-9_-]+"


def number_slug(number: str) -> str:
    """« 2023/PMA00192 » → « 2023-PMA00192 »: the act's number as its public URL part."""
    return re.sub(_NOT_IN_SLUG, "-", number).strip("-")


def _number_slug_sql() -> Func:
    # The same transformation in SQL, to find an act from its URL in one query.
    replaced = Func(
        F("number"),
        Value(_NOT_IN_SLUG),
        Value("-"),
        Value("g"),
        function="REGEXP_REPLACE",
        output_field=CharField(),
    )
    return Func(replaced, Value("-"), function="BTRIM", output_field=CharField())


# --- Published deliberations -------------------------------------------------------------------


def public_deliberations(body: Body) -> QuerySet[Deliberation]:
    """A body's published deliberations, latest session first, with session and vote."""
    return (
        published_deliberations()
        .filter(body=body)
        .select_related("body", "item__session", "item__vote")
        .order_by("-item__session__date", "-sequence", "-id")
    )


def public_deliberation(body: Body, pk: int) -> Deliberation:
    """One published deliberation of the body; Deliberation.DoesNotExist otherwise."""
    return public_deliberations(body).get(pk=pk)


def public_deliberation_by_slug(body: Body, slug: str) -> Deliberation:
    """The published deliberation whose number gives `slug`, with its errata and what its
    stamped copy states (`executoire_signatories`); Deliberation.DoesNotExist otherwise."""
    found = list(
        public_deliberations(body)
        .annotate(slug=_number_slug_sql(), executoire_signatories=copy_signatories())
        .filter(slug=slug)
        .prefetch_related(Prefetch("errata", queryset=Erratum.objects.order_by("date", "id")))
        .order_by("id")[:1]
    )
    if not found:
        raise Deliberation.DoesNotExist(f"Aucune délibération publiée « {slug} ».")
    return found[0]


def vote_with_names(deliberation: Deliberation) -> Vote | None:
    """The act's vote with its non-participants and named votes (three queries at most)."""
    return votes_with_names(Vote.objects.filter(item_id=deliberation.item_id)).first()


MATIERE_FILTER_RE = re.compile(r"^[1-9](\.[0-9]{1,2}){0,4}$")


def filter_public_deliberations(
    deliberations: QuerySet[Deliberation],
    *,
    year: int | None = None,
    matiere: str | None = None,
    result: str | None = None,
) -> QuerySet[Deliberation]:
    """Narrow published deliberations: by year of the session, by ACTES matière (« 7 » covers
    7.5 and 7.5.1, never 7.10 for « 7.1 »), by vote result (`adopted`, `rejected`)."""
    if year is not None:
        deliberations = deliberations.filter(item__session__date__year=year)
    if matiere:
        deliberations = deliberations.filter(
            Q(matiere=matiere) | Q(matiere__startswith=f"{matiere}.")
        )
    if result:
        deliberations = deliberations.filter(item__vote__result=result)
    return deliberations


# --- Published procès-verbaux -----------------------------------------------------------------


def public_pvs(body: Body) -> QuerySet[ProcesVerbal]:
    """A body's published procès-verbaux, latest session first."""
    return (
        published_pvs()
        .filter(session__body=body)
        .select_related("session__body")
        .order_by("-session__date")
    )


def public_pv(body: Body, day: dt.date) -> ProcesVerbal:
    """The published PV of the body's session on `day`; ProcesVerbal.DoesNotExist otherwise."""
    return public_pvs(body).get(session__date=day)


# --- Sessions with something published ---------------------------------------------------------


def _acts_of_session() -> QuerySet[Deliberation, Any]:
    return (
        published_deliberations()
        .filter(item__session=OuterRef("pk"))
        .order_by()
        .values("item__session")
    )


def _published_in_session() -> Exists:
    return Exists(_acts_of_session().values("pk"))


def _with_publications(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions annotated with what the public may read of them, in the same query:
    `published_acts`, `liste_published_on` (the day its first act went online),
    `pv_published_on`, and `last_published_on` (the latest of all)."""
    acts = _acts_of_session()
    return sessions.annotate(
        published_acts=Coalesce(
            Subquery(acts.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            0,
        ),
        liste_published_on=Subquery(
            acts.annotate(day=Min("published_on")).values("day"), output_field=DateField()
        ),
        acts_last_published_on=Subquery(
            acts.annotate(day=Max("published_on")).values("day"), output_field=DateField()
        ),
        pv_published_on=Subquery(
            published_pvs().filter(session=OuterRef("pk")).values("published_on")[:1],
            output_field=DateField(),
        ),
    ).annotate(
        # PostgreSQL's GREATEST ignores NULLs: a session with only a PV or only acts.
        last_published_on=Greatest("acts_last_published_on", "pv_published_on"),
    )


def public_sessions(body: Body | None = None) -> QuerySet[Session]:
    """Sessions with a published PV or at least one published act, latest first."""
    sessions = Session.objects.all() if body is None else Session.objects.filter(body=body)
    # EXISTS, not the counts annotated below: the planner makes semi-joins of them, and
    # a paginator's count then reads no annotation at all.
    published_pv = Exists(published_pvs().filter(session=OuterRef("pk")).order_by())
    return (
        _with_publications(sessions.filter(_published_in_session() | published_pv))
        .select_related("body")
        .order_by("-date", "-id")
    )


def public_session(body: Body, day: dt.date) -> Session:
    """The body's session on `day` when something of it is public; Session.DoesNotExist
    otherwise."""
    return public_sessions(body).get(date=day)


def liste_sessions(body: Body) -> QuerySet[Session]:
    """Sessions whose liste des délibérations is public: at least one act published.

    `examined` is the number of published acts it lists."""
    return (
        public_sessions(body).filter(_published_in_session()).annotate(examined=F("published_acts"))
    )


def liste_session(body: Body, day: dt.date) -> Session:
    """The session on `day` when its liste is public; Session.DoesNotExist otherwise."""
    return (
        Session.objects.filter(body=body, date=day)
        .filter(_published_in_session())
        .select_related("body")
        .get()
    )


def liste_acts(session: Session) -> QuerySet[Deliberation]:
    """The acts examined in the session (CGCT L2121-25) that the public may read, by agenda
    order.

    Projets never voted (withdrawn items) were not examined: they stay out of the liste,
    and so does every act not yet published — the public never sees an unpublished act
    (DESIGN §1), not even its title.
    """
    return (
        published_deliberations()
        .filter(item__session=session)
        .select_related("body", "item__session", "item__vote")
        .order_by("item__position", "id")
    )


# --- Bodies -----------------------------------------------------------------------------------


def public_bodies() -> QuerySet[Body]:
    """Bodies with at least one published act or procès-verbal, annotated with their counts
    (`published_acts`, `published_pvs`) and `last_published_on`."""
    acts = published_deliberations().filter(body=OuterRef("pk")).order_by().values("body")
    pvs = published_pvs().filter(session__body=OuterRef("pk")).order_by().values("session__body")
    return (
        Body.objects.annotate(
            published_acts=Coalesce(
                Subquery(acts.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                0,
            ),
            published_pvs=Coalesce(
                Subquery(pvs.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                0,
            ),
            acts_last_published_on=Subquery(
                acts.annotate(day=Max("published_on")).values("day"), output_field=DateField()
            ),
            pvs_last_published_on=Subquery(
                pvs.annotate(day=Max("published_on")).values("day"), output_field=DateField()
            ),
        )
        .annotate(last_published_on=Greatest("acts_last_published_on", "pvs_last_published_on"))
        .filter(Q(published_acts__gt=0) | Q(published_pvs__gt=0))
        .order_by("name", "id")
    )


def public_body(short_name: str) -> Body:
    """A body with something published; Body.DoesNotExist otherwise."""
    return public_bodies().get(short_name=short_name)


# --- The feed of new publications -------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """One entry of the feed: a published deliberation or procès-verbal."""

    published_on: dt.date
    deliberation: Deliberation | None = None
    pv: ProcesVerbal | None = None

    @property
    def body(self) -> Body:
        if self.deliberation is not None:
            return self.deliberation.body
        assert self.pv is not None
        return self.pv.session.body

    @property
    def sort_key(self) -> tuple[dt.date, int, int]:
        # Sorted newest first: on the same day, acts before procès-verbaux, latest first.
        if self.deliberation is not None:
            return (self.published_on, 1, self.deliberation.pk)
        assert self.pv is not None
        return (self.published_on, 0, self.pv.pk)


def latest_publications(body: Body | None = None, *, limit: int = 50) -> list[Publication]:
    """The `limit` latest publications (acts and PVs), newest first, in two queries."""
    acts = published_deliberations().select_related("body", "item__session")
    pvs = published_pvs().select_related("session__body")
    if body is not None:
        acts = acts.filter(body=body)
        pvs = pvs.filter(session__body=body)
    entries = [
        Publication(published_on=d.published_on, deliberation=d)
        for d in acts.order_by("-published_on", "-id")[:limit]
        if d.published_on is not None
    ] + [
        Publication(published_on=pv.published_on, pv=pv)
        for pv in pvs.order_by("-published_on", "-id")[:limit]
        if pv.published_on is not None
    ]
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries[:limit]


# --- Open data ---------------------------------------------------------------------------------


def _in_office_at_session() -> Subquery:
    # Members in office at the session's date: titulaire mandates open that day (DESIGN §3).
    day = OuterRef("item__session__date")
    mandates = (
        Mandate.objects.filter(
            body=OuterRef("body"), role=Mandate.Role.TITULAIRE, start_date__lte=day
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by()
        .values("body")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(mandates, output_field=IntegerField())


def scdl_deliberations(body: Body | None = None) -> QuerySet[Deliberation]:
    """The published deliberations with `in_office` for the open-data file, oldest first;
    every body's when `body` is None.

    `in_office` is the figure frozen with the act at signature (the facts it states), or,
    for an act without frozen facts, the register's count at the session's date.
    """
    frozen: Any = Cast(KT("frozen_facts__session__computed__in_office"), IntegerField())
    acts = published_deliberations().select_related("body", "item__session", "item__vote")
    if body is not None:
        acts = acts.filter(body=body)
    return acts.annotate(in_office=Coalesce(frozen, _in_office_at_session())).order_by(
        "body__name", "body_id", "item__session__date", "sequence", "id"
    )
