"""Searching the archive: deliberations and procès-verbaux together, best first.

One machinery (pma_governance.lib.fulltext): stored, GIN-indexed vectors in the `pma_french`
configuration, websearch syntax, ranking by ts_rank, excerpts by ts_headline. A search
costs the same few queries whatever the size of the archive:

1. the candidates: kind, id and rank of the matches of both kinds (one UNION ALL) —
   the count and the order of the pages come from it;
2. and 3. the deliberations and the procès-verbaux of the page shown, with their
   excerpts — ts_headline reads and parses a whole text, so it runs for those twenty
   rows, never for every match.

Its work is bounded too: ts_rank must read the vector of every match it ranks, so a
search ranks at most RANK_LIMIT matches of each kind — all of them for a precise search,
the most recent ones (ids grow with time) for a word found nearly everywhere, which the
page then says (« plus de 1 000 résultats »).

What a user may see comes from `deliberations_for_user` and `sessions_for_user`, never
from a rule written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.utils.safestring import SafeString

from deliberations.models import Deliberation, Vote
from deliberations.selectors import deliberations_for_user, matiere_prefix
from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.selectors import sessions_for_user
from members.models import Body
from pma_governance.lib.fulltext import Concat, excerpt_html, headline, rank, search_query


class Kind(models.TextChoices):
    DELIBERATION = "deliberation", "Délibération"
    PV = "pv", "Procès-verbal"


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search. A matière or a vote result only exists for deliberations."""

    year: int | None = None
    matiere: str = ""  # « 7 » covers 7.5 and 7.5.1; « 7.5 » covers 7.5.1 but not 7.50
    result: str = ""  # a Vote.Result value
    kind: str = ""  # a Kind value, or "" for both

    @property
    def deliberations(self) -> bool:
        return self.kind in ("", Kind.DELIBERATION)

    @property
    def pvs(self) -> bool:
        return self.kind in ("", Kind.PV) and not self.matiere and not self.result


@dataclass(frozen=True)
class SearchHit:
    """One result: a deliberation or a procès-verbal, with its highlighted excerpt."""

    kind: str
    rank: float
    title: SafeString  # the objet with the matches in <mark> (PV: empty)
    excerpt: SafeString
    deliberation: Deliberation | None = None
    pv: ProcesVerbal | None = None

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def session(self) -> Session | None:
        if self.pv is not None:
            return self.pv.session
        item = self.deliberation.item if self.deliberation is not None else None
        return item.session if item is not None else None

    @property
    def body(self) -> Body:
        if self.pv is not None:
            return self.pv.session.body
        assert self.deliberation is not None
        return self.deliberation.body

    @property
    def vote(self) -> Vote | None:
        item = self.deliberation.item if self.deliberation is not None else None
        return getattr(item, "vote", None) if item is not None else None


# Matches ranked at most, per kind: ts_rank reads the vector of each (about 1.5 kB); a
# thousand take a few milliseconds, a hundred thousand would take half a second.
RANK_LIMIT = 1000


# --- Filters -----------------------------------------------------------------------------


def _sessions_of_year(year: int) -> QuerySet[Session]:
    return Session.objects.filter(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1))


def deliberation_filters(
    queryset: QuerySet[Deliberation], filters: SearchFilters
) -> QuerySet[Deliberation]:
    # Subqueries rather than joins: the planner then goes from the few sessions of the
    # year (or the few rejected votes) to their items through the indexes, instead of
    # scanning every agenda item.
    if filters.year is not None:
        items = AgendaItem.objects.filter(session__in=_sessions_of_year(filters.year).values("pk"))
        queryset = queryset.filter(item__in=items.values("pk"))
    if filters.matiere:
        queryset = queryset.filter(matiere_prefix(filters.matiere))
    if filters.result:
        queryset = queryset.filter(
            item__in=Vote.objects.filter(result=filters.result).values("item_id")
        )
    return queryset


def _pvs_for_user(user: Any) -> QuerySet[ProcesVerbal]:
    return ProcesVerbal.objects.filter(session__in=sessions_for_user(user).values("pk"))


def _pv_filters(queryset: QuerySet[ProcesVerbal], filters: SearchFilters) -> QuerySet[ProcesVerbal]:
    if filters.year is not None:
        queryset = queryset.filter(session__in=_sessions_of_year(filters.year).values("pk"))
    return queryset


# --- The archive search ------------------------------------------------------------------


Row = tuple[str, int, float, "dt.date | None"]  # kind, id, rank, session day


def _best_first(row: Row) -> tuple[float, int, int, str, int]:
    kind, pk, score, day = row
    # Rank, then the most recent session (undated projets last), then kind and id.
    return (-score, day is None, -(day.toordinal() if day else 0), kind, -pk)


class SearchResults:
    """The matches of a search, lazily: `count()` and slices, as Paginator expects.

    One query reads the candidates — the RANK_LIMIT most recent matches of each kind, with
    their rank — and both the count and the order of the pages come from it.
    """

    def __init__(self, user: Any, query: SearchQuery | None, filters: SearchFilters) -> None:
        self.user = user
        self.query = query
        self.filters = filters
        self._rows: list[Row] | None = None
        self._truncated = False

    def _matching(self) -> tuple[QuerySet[Deliberation] | None, QuerySet[ProcesVerbal] | None]:
        """The deliberations and the PVs that match, filtered; None for a kind not searched."""
        assert self.query is not None
        deliberations = pvs = None
        if self.filters.deliberations:
            deliberations = deliberation_filters(
                deliberations_for_user(self.user).filter(search_vector=self.query),
                self.filters,
            ).order_by()
        if self.filters.pvs:
            pvs = _pv_filters(
                _pvs_for_user(self.user).filter(search_vector=self.query), self.filters
            ).order_by()
        return deliberations, pvs

    def _ranked(self) -> list[Row]:
        """The candidates, best first: at most RANK_LIMIT of each kind, the most recent."""
        if self._rows is not None:
            return self._rows
        if self.query is None:
            self._rows = []
            return self._rows
        deliberations, pvs = self._matching()
        parts: list[QuerySet[Any]] = []
        sources: list[tuple[QuerySet[Any] | None, type[models.Model], Kind, str]] = [
            (deliberations, Deliberation, Kind.DELIBERATION, "item__session__date"),
            (pvs, ProcesVerbal, Kind.PV, "session__date"),
        ]
        for queryset, model, kind, day in sources:
            if queryset is None:
                continue
            # The most recent matches (one more, to know whether there are more): an index
            # scan backwards stops once it has them. ts_rank then reads only their vectors.
            recent = queryset.order_by("-pk").values("pk")[: RANK_LIMIT + 1]
            parts.append(
                model._default_manager.filter(pk__in=recent)
                .annotate(
                    hit_kind=Value(kind.value),
                    hit_id=F("pk"),
                    hit_rank=rank(self.query),
                    hit_day=F(day),
                )
                .values_list("hit_kind", "hit_id", "hit_rank", "hit_day")
                .order_by()
            )
        rows: list[Row] = list(parts[0].union(*parts[1:], all=True))
        kept: list[Row] = []
        for value in Kind.values:
            of_kind = sorted((r for r in rows if r[0] == value), key=lambda r: -r[1])
            self._truncated |= len(of_kind) > RANK_LIMIT
            kept += of_kind[:RANK_LIMIT]
        self._rows = sorted(kept, key=_best_first)
        return self._rows

    def count(self) -> int:
        """The results one can page through: every match, or RANK_LIMIT of each kind."""
        return len(self._ranked())

    @property
    def truncated(self) -> bool:
        """More matches than RANK_LIMIT for a kind: only its most recent ones are ranked."""
        self._ranked()
        return self._truncated

    @property
    def limit(self) -> int:
        return RANK_LIMIT

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[SearchHit]:
        """Every result with its excerpt: slice instead, to read one page only."""
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> SearchHit: ...

    @overload
    def __getitem__(self, index: slice) -> list[SearchHit]: ...

    def __getitem__(self, index: int | slice) -> SearchHit | list[SearchHit]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        page = self._ranked()[index]
        return self._hits(page) if page else []

    def _hits(self, page: list[Row]) -> list[SearchHit]:
        assert self.query is not None
        deliberation_ids = [pk for kind, pk, _, _ in page if kind == Kind.DELIBERATION]
        pv_ids = [pk for kind, pk, _, _ in page if kind == Kind.PV]
        deliberations = (
            {
                d.pk: d
                for d in deliberations_for_user(self.user)
                .filter(pk__in=deliberation_ids)
                .order_by()
                .select_related("item__session__body")
                .defer("search_vector", "frozen_facts")
                .annotate(
                    title_html=headline("title", self.query, html=False, whole=True),
                    excerpt_raw=headline(
                        Concat(F("considerants"), F("dispositif"), F("item__debate_summary")),
                        self.query,
                    ),
                )
            }
            if deliberation_ids
            else {}
        )
        items_text = (
            AgendaItem.objects.filter(session_id=OuterRef("session_id"))
            .order_by()
            .values("session_id")
            .annotate(
                text=StringAgg(Concat(F("title"), F("debate_summary")), " ", order_by="position")
            )
            .values("text")
        )
        pvs = (
            {
                pv.pk: pv
                for pv in _pvs_for_user(self.user)
                .filter(pk__in=pv_ids)
                .order_by()
                .select_related("session__body")
                .defer("search_vector", "frozen_facts")
                .annotate(
                    excerpt_raw=headline(
                        Concat(F("preamble"), Subquery(items_text), F("closing_text")),
                        self.query,
                    )
                )
            }
            if pv_ids
            else {}
        )
        hits = []
        for kind, pk, score, _ in page:
            if kind == Kind.DELIBERATION and pk in deliberations:
                d = deliberations[pk]
                hits.append(
                    SearchHit(
                        kind=kind,
                        rank=score,
                        title=excerpt_html(d.title_html, html=False),  # type: ignore[attr-defined]
                        excerpt=excerpt_html(d.excerpt_raw),  # type: ignore[attr-defined]
                        deliberation=d,
                    )
                )
            elif kind == Kind.PV and pk in pvs:
                pv = pvs[pk]
                hits.append(
                    SearchHit(
                        kind=kind,
                        rank=score,
                        title=SafeString(""),
                        excerpt=excerpt_html(pv.excerpt_raw),  # type: ignore[attr-defined]
                        pv=pv,
                    )
                )
        return hits


def archive_search(user: Any, text: str, filters: SearchFilters | None = None) -> SearchResults:
    """Deliberations and procès-verbaux the user may see that match `text`, best first.

    `text` is in the websearch syntax: « "plan climat" », « budget -annexe »,
    « piscine OR patinoire »; accents and inflections are ignored (« deliberation »
    finds « délibérations »); a number (« 2023/PMA00192 », « 00192 ») finds its act.
    Slice the result (or give it to a Paginator): only the page asked for is read.
    """
    return SearchResults(user, search_query(text), filters or SearchFilters())
