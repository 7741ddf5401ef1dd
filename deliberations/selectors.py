"""Read queries of the deliberations app: querysets whose query count never grows with data."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from deliberations.models import Deliberation, SignedDocument, VisaTemplate
from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.selectors import sessions_for_user, visible_to_members
from members.models import Body
from members.selectors import bodies_for_user, has_staff_role
from pma_governance.lib.fulltext import rank, search_query


def deliberations_for_user(user: Any) -> QuerySet[Deliberation]:
    """Deliberations of the bodies the user may see, with their session and vote.

    An élu sees the projets of convened sessions and what was voted, never a projet the
    secretariat is still drafting (not on the ordre du jour of a convened session).
    """
    queryset = Deliberation.objects.filter(body__in=bodies_for_user(user))
    if not has_staff_role(user):
        queryset = queryset.filter(
            item__session__in=Session.objects.filter(visible_to_members()).values("pk")
        )
    return queryset.select_related("body", "item__session", "item__vote")


def matiere_prefix(matiere: str) -> Q:
    """« 7 » covers 7.5 and 7.5.1; « 7.5 » covers 7.5.1 but not 7.50."""
    return Q(matiere=matiere) | Q(matiere__startswith=f"{matiere}.")


def deliberation_search(queryset: QuerySet[Deliberation], text: str) -> QuerySet[Deliberation]:
    """Full text in French (objet, number, considérants, dispositif, debate), best first.

    « 00192 » and « 2023/PMA00192 » find the act by its number; « Agence d'urbanisme »
    finds it by its words, whatever their inflection and accents (the stored, indexed
    vector of pma_governance.lib.fulltext, the same as the archive search).
    """
    query = search_query(text)
    if query is None:
        return queryset
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=rank(query))
        .order_by("-rank", F("sequence").desc(nulls_first=True), "-id")
    )


def deliberation_list(
    user: Any,
    *,
    text: str = "",
    status: str = "",
    session: Session | None = None,
    matiere: str = "",
) -> QuerySet[Deliberation]:
    """The deliberations page: search and filters; latest first when not searching."""
    queryset = deliberations_for_user(user)
    if status:
        queryset = queryset.filter(status=status)
    if session is not None:
        queryset = queryset.filter(item__session=session)
    if matiere:
        queryset = queryset.filter(matiere_prefix(matiere))
    if text.strip():
        return deliberation_search(queryset, text)
    return queryset.order_by(
        F("item__session__date").desc(nulls_first=True),
        F("sequence").desc(nulls_first=True),
        "-id",
    )


def deliberation_detail(user: Any, pk: int) -> Deliberation:
    """One deliberation of the user's bodies, with its vote and non-participants."""
    return (
        deliberations_for_user(user)
        .select_related("item__session__president__person", "item__rapporteur__person")
        .prefetch_related("item__vote__not_voting__person")
        .get(pk=pk)
    )


def sessions_for_filter(user: Any) -> QuerySet[Session]:
    """Sessions offered by the deliberation list's filter."""
    return sessions_for_user(user).select_related(None).select_related("body")


def visa_library(body: Body) -> QuerySet[VisaTemplate]:
    return VisaTemplate.objects.filter(body=body).order_by("position", "id")


def free_deliberation_items(
    body: Body, deliberation: Deliberation | None = None
) -> QuerySet[AgendaItem]:
    """« Délibération » items a projet may be attached to: not voted, no other projet."""
    free = Q(deliberation__isnull=True)
    if deliberation is not None and deliberation.item_id is not None:
        free |= Q(pk=deliberation.item_id)
    return (
        AgendaItem.objects.filter(
            session__body=body, kind=AgendaItem.Kind.DELIBERATION, vote__isnull=True
        )
        .exclude(session__status=Session.Status.CLOSED)
        .filter(free)
        .select_related("session")
        .order_by("-session__date", "position")
    )


def drafts_to_finish(user: Any, limit: int = 10) -> QuerySet[Deliberation]:
    """Projets still in draft, those of the nearest sessions first."""
    return (
        deliberations_for_user(user)
        .filter(status=Deliberation.Status.DRAFT)
        .order_by(F("item__session__date").asc(nulls_last=True), "id")[:limit]
    )


def recently_voted(user: Any, limit: int = 10) -> QuerySet[Deliberation]:
    """Deliberations voted (and after), latest session first."""
    return (
        deliberations_for_user(user)
        .exclude(status=Deliberation.Status.DRAFT)
        .order_by(F("item__session__date").desc(nulls_last=True), "-sequence")[:limit]
    )


# --- What is published -----------------------------------------------------------------


def _signed_deliberation_pdf() -> Exists:
    return Exists(SignedDocument.objects.filter(kind="deliberation", deliberation=OuterRef("pk")))


def _signed_pv_pdf() -> Exists:
    return Exists(SignedDocument.objects.filter(kind="pv", session=OuterRef("session_id")))


def published_deliberations() -> QuerySet[Deliberation]:
    """Published deliberations of every body: published, numbered, on an ordre du jour and
    with their signed PDF (the base of every public page, feed and file)."""
    return Deliberation.objects.filter(
        status=Deliberation.Status.PUBLISHED,
        published_on__isnull=False,
        number__isnull=False,
        item__isnull=False,
    ).filter(_signed_deliberation_pdf())


def published_pvs() -> QuerySet[ProcesVerbal]:
    """Published procès-verbaux of every body, with their signed PDF."""
    return ProcesVerbal.objects.filter(
        status=ProcesVerbal.Status.PUBLISHED,
        published_on__isnull=False,
    ).filter(_signed_pv_pdf())
