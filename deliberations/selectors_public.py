"""Read queries of the public pages: published acts only, in a constant number of queries.

An act is public when its status is « published » (set by the publication services, which
require a signed act) and its signed PDF is stored: the second condition is checked in
SQL too, so that a row written by an import or by hand never reaches the public.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from deliberations.models import Deliberation, SignedDocument
from meetings.models import ProcesVerbal, Session
from members.models import Body, Mandate


def _signed_deliberation_pdf() -> Exists:
    return Exists(SignedDocument.objects.filter(kind="deliberation", deliberation=OuterRef("pk")))


def _signed_pv_pdf() -> Exists:
    return Exists(SignedDocument.objects.filter(kind="pv", session=OuterRef("session_id")))


def public_deliberations(body: Body) -> QuerySet[Deliberation]:
    """A body's published deliberations, latest session first, with session and vote."""
    return (
        Deliberation.objects.filter(
            body=body,
            status=Deliberation.Status.PUBLISHED,
            published_on__isnull=False,
            item__isnull=False,
        )
        .filter(_signed_deliberation_pdf())
        .select_related("body", "item__session", "item__vote")
        .order_by("-item__session__date", "-sequence", "-id")
    )


def public_deliberation(body: Body, pk: int) -> Deliberation:
    """One published deliberation of the body; Deliberation.DoesNotExist otherwise."""
    return public_deliberations(body).get(pk=pk)


def public_pvs(body: Body) -> QuerySet[ProcesVerbal]:
    """A body's published procès-verbaux, latest session first."""
    return (
        ProcesVerbal.objects.filter(
            session__body=body,
            status=ProcesVerbal.Status.PUBLISHED,
            published_on__isnull=False,
        )
        .filter(_signed_pv_pdf())
        .select_related("session__body")
        .order_by("-session__date")
    )


def public_pv(body: Body, day: dt.date) -> ProcesVerbal:
    """The published PV of the body's session on `day`; ProcesVerbal.DoesNotExist otherwise."""
    return public_pvs(body).get(session__date=day)


def _published_in_session() -> Exists:
    return Exists(
        public_deliberations_any().filter(item__session=OuterRef("pk")).order_by().values("pk")
    )


def public_deliberations_any() -> QuerySet[Deliberation]:
    """Published deliberations of every body (the base of the per-session checks)."""
    return Deliberation.objects.filter(
        status=Deliberation.Status.PUBLISHED, published_on__isnull=False
    ).filter(_signed_deliberation_pdf())


def liste_sessions(body: Body) -> QuerySet[Session]:
    """Sessions whose liste des délibérations is public: at least one act published."""
    return (
        Session.objects.filter(body=body)
        .filter(_published_in_session())
        .annotate(
            examined=Count(
                "items__deliberation",
                filter=Q(
                    items__deliberation__status=Deliberation.Status.PUBLISHED,
                    items__deliberation__published_on__isnull=False,
                ),
            )
        )
        .order_by("-date")
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
    """The acts examined in the session (CGCT L2121-25): voted and after, by agenda order.

    Projets never voted (withdrawn items) were not examined: they stay out of the liste,
    and so does every act not yet published — the public never sees an unpublished act
    (DESIGN §1), not even its title.
    """
    return (
        Deliberation.objects.filter(item__session=session)
        .exclude(status=Deliberation.Status.DRAFT)
        .select_related("item__vote")
        .annotate(
            is_public=Exists(
                public_deliberations_any().filter(pk=OuterRef("pk")).order_by().values("pk")
            )
        )
        .filter(is_public=True)
        .order_by("item__position", "id")
    )


def public_bodies() -> QuerySet[Body]:
    """Bodies with at least one published act or procès-verbal."""
    published_act = Exists(public_deliberations_any().filter(body=OuterRef("pk")).order_by())
    published_pv = Exists(
        ProcesVerbal.objects.filter(
            session__body=OuterRef("pk"),
            status=ProcesVerbal.Status.PUBLISHED,
            published_on__isnull=False,
        ).filter(_signed_pv_pdf())
    )
    return Body.objects.filter(published_act | published_pv).order_by("name")


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


def scdl_deliberations(body: Body) -> QuerySet[Deliberation]:
    """The published deliberations with `in_office` for the open-data file, oldest first.

    `in_office` is the figure frozen with the act at signature (the facts it states), or,
    for an act without frozen facts, the register's count at the session's date.
    """
    frozen: Any = Cast(KT("frozen_facts__session__computed__in_office"), IntegerField())
    return (
        public_deliberations(body)
        .annotate(in_office=Coalesce(frozen, _in_office_at_session()))
        .order_by("item__session__date", "sequence", "id")
    )
