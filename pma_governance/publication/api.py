"""The read-only JSON API of published sessions and deliberations (open data, `/api/v1/`).

Plain Django views returning JSON: GET (and HEAD) only, no login, published data only —
every query goes through `selectors_public`, so an unpublished act is a 404 like an
unknown one. Lists are paginated (`?page=`, `?per_page=` up to 100) and answer
`{"count", "next", "previous", "results"}` with absolute URLs; each endpoint runs a fixed
number of queries whatever the data. Errors are JSON too: `{"detail": "…"}` in French,
400 for a bad parameter, 404 for what does not exist or is not published, 405 for any
method but GET (and HEAD). What fails outside these views under /api/ — a refused Host
header, an error of the server, a page that would ask for a login — answers the same
JSON through the root URLconf's handlers (`pma_governance.errors`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt

from deliberations.actes import NATURES, matiere_label, matiere_path
from deliberations.models import Deliberation, Vote
from meetings.models import Session
from members.models import Body
from pma_governance.lib.http import url_date
from pma_governance.publication import selectors as public
from pma_governance.publication.links import (
    body_path,
    deliberation_path,
    deliberation_pdf_path,
    liste_path,
    liste_pdf_path,
    pv_pdf_path,
    session_path,
)
from pma_governance.publication.selectors import number_slug

PER_PAGE = 20
PER_PAGE_MAX = 100
# Open data changes only when something is published: shared caches may keep it a minute.
CACHE_CONTROL = "public, max-age=60"
ALLOWED_METHODS = ("GET", "HEAD")
RESULTS = {choice.value for choice in Vote.Result}

_POSITIVE_INT = re.compile(r"[0-9]{1,9}")
_YEAR = re.compile(r"[0-9]{4}")

JsonDict = dict[str, Any]
T = TypeVar("T", bound=Model)
View = Callable[..., HttpResponse]


class ApiError(Exception):
    """An error answered as JSON: `{"detail": message}` with its HTTP status."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _json(data: JsonDict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Open data: any site may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = CACHE_CONTROL if status == 200 else "no-cache"
    return response


def error_response(status: int, detail: str) -> JsonResponse:
    """An error of the API: `{"detail": "…"}` in French. The root URLconf's error handlers
    answer with it under /api/ (pma_governance.errors), whatever failed."""
    response = _json({"detail": detail}, status=status)
    if status == 405:
        response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


UNKNOWN_ADDRESS = "Adresse inconnue dans l'API. Point de départ : {root}"


def api_view(view: View) -> View:
    """A public, read-only API view: GET or HEAD, errors as JSON, no login, no CSRF token
    (nothing is ever written)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            return error_response(
                405,
                f"Méthode « {request.method} » non autorisée : "
                "cette API est en lecture seule (GET).",
            )
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.detail)

    return login_not_required(csrf_exempt(wrapper))


# --- Parameters and pagination ---------------------------------------------------------------


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not _POSITIVE_INT.fullmatch(raw) or int(raw) < 1:
        raise ApiError(
            400, f"Paramètre « {name} » invalide (« {raw[:20]} ») : un entier ≥ 1 est attendu."
        )
    return int(raw)


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _paginated(
    request: HttpRequest, items: QuerySet[T], serialize: Callable[[T], JsonDict]
) -> JsonDict:
    """One page of `items`: two queries (count and slice) whatever the data."""
    number = _int_param(request, "page", 1)
    per_page = min(_int_param(request, "per_page", PER_PAGE), PER_PAGE_MAX)
    paginator = Paginator(items, per_page)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise ApiError(
            404, f"Page {number} inexistante : la liste compte {paginator.num_pages} page(s)."
        ) from None
    return {
        "count": paginator.count,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_url(request, page.previous_page_number())
        if page.has_previous()
        else None,
        "results": [serialize(item) for item in page.object_list],
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


# --- Lookups (404 for what is unknown or unpublished) ----------------------------------------


def _body(short_name: str) -> Body:
    try:
        return public.public_body(short_name)
    except Body.DoesNotExist:
        raise ApiError(404, f"Aucun organe « {short_name} » n'a de publication.") from None


def _day(value: str) -> dt.date:
    try:
        return url_date(value)
    except ValueError:
        raise ApiError(
            404, f"Date « {value[:20]} » inconnue : la forme attendue est AAAA-MM-JJ."
        ) from None


# --- Representations ----------------------------------------------------------------------------


def _body_json(request: HttpRequest, body: Body) -> JsonDict:
    short = body.short_name
    return {
        "short_name": short,
        "name": body.name,
        "assembly": body.assembly_name,
        "legal_form": body.legal_form or None,
        "siren": body.siren or None,
        "siret": body.siret or None,
        "department_code": body.department_code or None,
        "seat_city": body.seat_city or None,
        "published_deliberations": getattr(body, "published_acts", None),
        "published_minutes": getattr(body, "published_pvs", None),
        "last_published_on": _iso(getattr(body, "last_published_on", None)),
        "url": _absolute(request, reverse("api:body", args=[short])),
        "sessions_url": _absolute(request, reverse("api:sessions", args=[short])),
        "deliberations_url": _absolute(request, reverse("api:deliberations", args=[short])),
        "page_url": _absolute(request, body_path(short)),
        "open_data_csv_url": _absolute(request, reverse("public:open_data", args=[short])),
        "feed_url": _absolute(request, reverse("public:body_feed", args=[short])),
    }


def _session_json(request: HttpRequest, session: Session) -> JsonDict:
    short = session.body.short_name
    day = session.date
    pv_on: dt.date | None = getattr(session, "pv_published_on", None)
    liste_on: dt.date | None = getattr(session, "liste_published_on", None)
    return {
        "date": day.isoformat(),
        "start_time": session.start_time.strftime("%H:%M") if session.start_time else None,
        "kind": session.kind,
        "kind_label": session.get_kind_display(),
        "place": session.place or None,
        "published_deliberations": getattr(session, "published_acts", 0),
        "minutes": {
            "published_on": pv_on.isoformat(),
            "pdf_url": _absolute(request, pv_pdf_path(short, day)),
        }
        if pv_on is not None
        else None,
        "liste": {
            "published_on": liste_on.isoformat(),
            "url": _absolute(request, liste_path(short, day)),
            "pdf_url": _absolute(request, liste_pdf_path(short, day)),
        }
        if liste_on is not None
        else None,
        "url": _absolute(request, reverse("api:session", args=[short, day.isoformat()])),
        "page_url": _absolute(request, session_path(short, day)),
    }


def _matiere_json(code: str) -> JsonDict:
    return {
        "code": code,
        "label": matiere_label(code) or None,
        "path": [{"code": prefix, "label": label} for prefix, label in matiere_path(code)],
    }


def _vote_json(vote: Vote | None) -> JsonDict | None:
    if vote is None:
        return None
    # The names of DESIGN §7 (interchange `computed`): `not_voting` counts withheld votes.
    return {
        "ballot": vote.ballot,
        "unanimous": vote.unanimous,
        "present": vote.present,
        "represented": vote.represented,
        "not_voting": vote.withheld,
        "voters": vote.voters,
        "for": vote.votes_for,
        "against": vote.votes_against,
        "abstain": vote.abstentions,
        "blank": vote.blank,
        "expressed": vote.expressed,
        "casting_vote": vote.casting_vote,
        "result": vote.result,
    }


def _deliberation_json(request: HttpRequest, deliberation: Deliberation) -> JsonDict:
    short = deliberation.body.short_name
    number = deliberation.number or ""
    session = deliberation.item.session if deliberation.item is not None else None
    vote: Vote | None = getattr(deliberation.item, "vote", None) if deliberation.item else None
    # DESIGN §6: never « reçu » without the acknowledgement's identifier.
    acknowledged = bool(deliberation.prefecture_identifier.strip())
    return {
        "number": number,
        "title": deliberation.title,
        "date": _iso(session.date) if session else None,
        "nature": {
            "code": deliberation.nature,
            "label": NATURES.get(deliberation.nature, ("", ""))[1] or None,
        },
        "matiere": _matiere_json(deliberation.matiere),
        "budget_year": deliberation.budget_year,
        "vote": _vote_json(vote),
        "result": vote.result if vote is not None else None,
        "published_on": _iso(deliberation.published_on),
        "prefecture": {
            "sent_on": _iso(deliberation.prefecture_sent_on),
            "received_on": _iso(deliberation.prefecture_received_on) if acknowledged else None,
            "ack_identifier": deliberation.prefecture_identifier if acknowledged else None,
        },
        "pdf_url": _absolute(request, deliberation_pdf_path(short, deliberation.pk)),
        "page_url": _absolute(request, deliberation_path(short, number)),
        "session_url": _absolute(
            request, reverse("api:session", args=[short, session.date.isoformat()])
        )
        if session
        else None,
        "url": _absolute(request, reverse("api:deliberation", args=[short, number_slug(number)])),
    }


def _listed(request: HttpRequest, items: Iterable[Deliberation]) -> list[JsonDict]:
    return [_deliberation_json(request, d) for d in items]


# --- Endpoints ------------------------------------------------------------------------------------


@api_view
def root(request: HttpRequest) -> HttpResponse:
    """Where to start: the endpoints and the other open-data resources."""
    return _json(
        {
            "bodies_url": _absolute(request, reverse("api:bodies")),
            "open_data_csv_url": _absolute(request, reverse("public:open_data_all")),
            "feed_url": _absolute(request, reverse("public:feed")),
            "sitemap_url": _absolute(request, reverse("sitemap")),
            "licence": "Données publiques des actes publiés (CGCT L2131-1, R2131-1).",
        }
    )


@api_view
def bodies(request: HttpRequest) -> HttpResponse:
    """The bodies (organes) with something published."""
    return _json(
        _paginated(request, public.public_bodies(), lambda body: _body_json(request, body))
    )


@api_view
def body(request: HttpRequest, short_name: str) -> HttpResponse:
    return _json(_body_json(request, _body(short_name)))


@api_view
def sessions(request: HttpRequest, short_name: str) -> HttpResponse:
    """The body's sessions with a published PV or act, latest first."""
    found = _body(short_name)
    return _json(
        _paginated(
            request,
            public.public_sessions(found),
            lambda session: _session_json(request, session),
        )
    )


@api_view
def session(request: HttpRequest, short_name: str, day: str) -> HttpResponse:
    """One session with its published deliberations, in agenda order."""
    found = _body(short_name)
    try:
        found_session = public.public_session(found, _day(day))
    except Session.DoesNotExist:
        raise ApiError(404, f"Rien n'est publié pour la séance du {day[:20]}.") from None
    data = _session_json(request, found_session)
    data["deliberations"] = _listed(request, public.liste_acts(found_session))
    return _json(data)


def _filters(request: HttpRequest) -> dict[str, Any]:
    year_raw = request.GET.get("year", "").strip()
    matiere = request.GET.get("matiere", "").strip()
    result = request.GET.get("result", "").strip()
    if year_raw and not _YEAR.fullmatch(year_raw):
        raise ApiError(
            400,
            f"Paramètre « year » invalide (« {year_raw[:20]} ») : une année est attendue, "
            "par exemple 2023.",
        )
    if matiere and not public.MATIERE_FILTER_RE.fullmatch(matiere):
        raise ApiError(
            400,
            f"Paramètre « matiere » invalide (« {matiere[:20]} ») : un code de la "
            "classification ACTES est attendu, par exemple 7 ou 7.5.",
        )
    if result and result not in RESULTS:
        raise ApiError(
            400,
            f"Paramètre « result » invalide (« {result[:20]} ») : "
            f"{' ou '.join(sorted(RESULTS))} est attendu.",
        )
    return {"year": int(year_raw) if year_raw else None, "matiere": matiere, "result": result}


@api_view
def deliberations(request: HttpRequest, short_name: str) -> HttpResponse:
    """The body's published deliberations, latest first; `year`, `matiere`, `result` filter."""
    found = _body(short_name)
    acts = public.filter_public_deliberations(
        public.public_deliberations(found), **_filters(request)
    )
    return _json(_paginated(request, acts, lambda d: _deliberation_json(request, d)))


@api_view
def deliberation(request: HttpRequest, short_name: str, ref: str) -> HttpResponse:
    """One published deliberation, with its errata."""
    found = _body(short_name)
    try:
        act = public.public_deliberation_by_slug(found, ref)
    except Deliberation.DoesNotExist:
        raise ApiError(404, f"Aucune délibération publiée sous le numéro « {ref[:40]} ».") from None
    data = _deliberation_json(request, act)
    data["errata"] = [
        {"date": erratum.date.isoformat(), "text": erratum.text} for erratum in act.errata.all()
    ]
    return _json(data)


@api_view
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under the API: a JSON 404 (or the same address with its slash)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not_found":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    raise ApiError(404, UNKNOWN_ADDRESS.format(root=reverse("api:root")))
