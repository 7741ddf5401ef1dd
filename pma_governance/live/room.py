"""The room display and the élus' devices: the session as it happens, without reloading.

Each live page polls a small fragment every half second (static/js/app.js) with the entity
tag of what it shows; the tag is the session's version (`display.session_version`, one
query), so while nothing is recorded the answer is an empty 304 and the page stays as it
is. Nothing is kept in the process: any app server answers any poll.

The room display opens with a display token the secretariat creates on the live screen
(the projector's computer needs no account), or for any logged-in user of the body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.crypto import constant_time_compare
from django.utils.http import parse_etags
from django.views.decorators.http import require_POST, require_safe

from meetings.access import get_session_for_user
from meetings.models import AgendaItem, Session
from meetings.selectors import sessions_for_user
from pma_governance.live import display
from pma_governance.live.services import current_item_set, display_token_issue, token_hash
from pma_governance.live.views import _done, _refused

# The display's cookie lasts a day of sessions; a new token makes it useless at once.
DISPLAY_COOKIE_AGE = 24 * 3600
# A display token is 43 characters (32 random bytes, URL-safe base 64).
TOKEN_MAX = 64
NO_TOKEN = (
    "L'écran de salle s'ouvre avec l'adresse que donne le secrétariat (« Ouvrir l'écran de "
    "salle » sur l'écran de séance), ou après connexion d'un membre de l'assemblée."
)
WRONG_TOKEN = (
    "Ce jeton d'écran n'est pas valable (il a peut-être été remplacé) : demandez au "
    "secrétariat la nouvelle adresse de l'écran de salle."
)


def _conditional(
    request: HttpRequest, tag: str, render_fragment: Callable[[], HttpResponse]
) -> HttpResponse:
    """304 when the poller already shows version `tag`, else the fragment, tagged."""
    if tag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = render_fragment()
    response["ETag"] = tag
    # Always asked again: the tag decides, no cache keeps a stale state.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _cookie_name(pk: int) -> str:
    return f"ecran-{pk}"


def _valid(token: str, version: display.Version) -> bool:
    return (
        0 < len(token) <= TOKEN_MAX
        and bool(version.token_hash)
        and constant_time_compare(token_hash(token), version.token_hash)
    )


def _display_access(
    request: HttpRequest, pk: int
) -> tuple[Callable[[], Session], display.Version, str]:
    """The session (loaded when needed: a 304 needs only the version), its version (read
    before the state: a page is never older than its tag) and the valid token given in
    the address (or, for the polls, in the display's cookie); 403 without a valid token
    nor a login of the body."""
    version = display.session_version(pk)
    given = request.GET.get("jeton", "")
    kept = request.COOKIES.get(_cookie_name(pk), "")
    token = given or kept
    if (given and not _valid(given, version)) or (
        not given and kept and not _valid(kept, version) and not request.user.is_authenticated
    ):
        raise PermissionDenied(WRONG_TOKEN)
    if token and _valid(token, version):
        # The token's row belongs to the session: it exists.
        return (lambda: Session.objects.select_related("body").get(pk=pk)), version, token
    if request.user.is_authenticated:
        session = get_object_or_404(sessions_for_user(request.user), pk=pk)
        return (lambda: session), version, ""
    raise PermissionDenied(NO_TOKEN)


@login_not_required
@require_safe
def room_display(request: HttpRequest, pk: int) -> HttpResponse:
    """The projector's page: the item on screen, the quorum, each vote as it is recorded."""
    load, version, token = _display_access(request, pk)
    session = load()
    room = display.room_state(session, version.current_item_id)
    response = render(
        request,
        "live/room.html",
        {
            "room": room,
            "session": session,
            "etag": display.etag("salle", pk, version),
            "poll_url": reverse("meetings:room_display_state", args=[pk]),
        },
    )
    patch_cache_control(response, private=True, no_cache=True)
    if token:
        # The polls carry the token in a cookie of this display only, not in their
        # address: it is not written twice a second in the access logs.
        response.set_cookie(
            _cookie_name(pk),
            token,
            max_age=DISPLAY_COOKIE_AGE,
            path=reverse("meetings:room_display", args=[pk]),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
    return response


@login_not_required
@require_safe
def room_display_state(request: HttpRequest, pk: int) -> HttpResponse:
    load, version, _ = _display_access(request, pk)

    def fragment() -> HttpResponse:
        session = load()
        room = display.room_state(session, version.current_item_id)
        return render(request, "live/_room_state.html", {"room": room, "session": session})

    return _conditional(request, display.etag("salle", pk, version), fragment)


def _member_access(request: HttpRequest, pk: int) -> tuple[Session, display.Version]:
    version = display.session_version(pk)
    # His bodies' convened sessions only: another body's is not found (DESIGN §1).
    session = get_session_for_user(request, pk)
    return session, version


def _member_context(
    request: HttpRequest, session: Session, version: display.Version
) -> dict[str, Any]:
    room = display.room_state(session, version.current_item_id)
    mandate = display.own_mandate(request.user.pk, session)  # type: ignore[arg-type]
    return {
        "room": room,
        "session": session,
        "me": display.member_state(room, mandate) if mandate is not None else None,
        "evote": room.poll,
        "held": room.poll.held_by(mandate) if room.poll and mandate else [],
        "nav": "space",
    }


@require_safe
def member_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The élu's device: the room's view and his own state (present, pouvoirs, déport)."""
    session, version = _member_access(request, pk)
    context = _member_context(request, session, version)
    context.update(
        etag=display.etag("elu", pk, version, request.user.pk),
        poll_url=reverse("space:live_state", args=[pk]),
    )
    response = render(request, "live/member_live.html", context)
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def member_live_state(request: HttpRequest, pk: int) -> HttpResponse:
    session, version = _member_access(request, pk)
    return _conditional(
        request,
        display.etag("elu", pk, version, request.user.pk),
        lambda: render(
            request, "live/_member_state.html", _member_context(request, session, version)
        ),
    )


# --- From the secretariat's live screen -------------------------------------------------


@require_POST
def current_item_show(request: HttpRequest, pk: int) -> HttpResponse:
    """« Afficher ce point à l'écran »: the room display and the devices follow."""
    session = get_session_for_user(request, pk, edit=True)
    raw = request.POST.get("item", "")
    item = None
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
            raise Http404("Point introuvable.")
        item = get_object_or_404(AgendaItem, pk=int(raw), session=session)
    try:
        current_item_set(session=session, item=item)
    except ValidationError as exc:
        return _refused(request, session, exc)
    message = (
        f"Point {item.position} affiché à l'écran de salle."
        if item is not None
        else "Plus aucun point n'est affiché à l'écran de salle."
    )
    return _done(request, session, message, focus=f"item{item.pk}" if item else "")


@require_POST
def display_token_new(request: HttpRequest, pk: int) -> HttpResponse:
    """« Ouvrir l'écran de salle »: a new address for the projector, shown this once."""
    session = get_session_for_user(request, pk, edit=True)
    token = display_token_issue(session=session)
    address = reverse("meetings:room_display", args=[pk]) + "?" + urlencode({"jeton": token})
    url = request.build_absolute_uri(address)
    response = render(
        request,
        "live/room_token.html",
        {"session": session, "display_url": url, "nav": "sessions"},
    )
    # The token is in this page: no cache keeps it.
    patch_cache_control(response, private=True, no_store=True)
    return response
