"""The live screen's URLs, under /seances/ in the `meetings` namespace (mounted by the root
URLconf): roll call, proxies, arrivals and departures, quorum, votes; the room display.
The élus' live view is under /espace/, in the `space` namespace."""

from __future__ import annotations

from django.urls import path

from pma_governance.live import evote_views, room, views

session_patterns = [
    path("<int:pk>/seance/", views.live, name="live"),
    path("<int:pk>/seance/quorum/", views.quorum_panel, name="quorum_panel"),
    path(
        "<int:pk>/seance/presence/<int:mandate_pk>/",
        views.attendance_update,
        name="attendance_update",
    ),
    path("<int:pk>/seance/pouvoirs/", views.proxy_add, name="proxy_add"),
    path(
        "<int:pk>/seance/pouvoirs/<int:proxy_pk>/revoquer/",
        views.proxy_revoke,
        name="proxy_revoke",
    ),
    path("<int:pk>/seance/mouvements/", views.presence_move, name="presence_move"),
    path("<int:pk>/seance/appel/pre-remplir/", views.prefill, name="roll_prefill"),
    path("<int:pk>/seance/appel/confirmer/", views.confirm_all, name="roll_confirm_all"),
    path(
        "<int:pk>/seance/appel/<int:mandate_pk>/confirmer/",
        views.confirm,
        name="roll_confirm",
    ),
    path("<int:pk>/seance/points/<int:item_pk>/vote/", views.vote_entry, name="vote_entry"),
    path(
        "<int:pk>/seance/points/<int:item_pk>/vote/annuler/",
        views.vote_undo,
        name="vote_undo",
    ),
    path("<int:pk>/seance/ecran/point/", room.current_item_show, name="current_item_show"),
    path("<int:pk>/seance/ecran/jeton/", room.display_token_new, name="display_token_new"),
    path(
        "<int:pk>/seance/vote-electronique/",
        evote_views.electronic_vote_toggle,
        name="electronic_vote_toggle",
    ),
    path(
        "<int:pk>/seance/points/<int:item_pk>/scrutin/",
        evote_views.poll_open,
        name="poll_open",
    ),
    path("<int:pk>/seance/scrutin/etat/", evote_views.poll_state, name="poll_state"),
    path(
        "<int:pk>/seance/scrutin/<int:poll_pk>/saisir/",
        evote_views.poll_enter,
        name="poll_enter",
    ),
    path(
        "<int:pk>/seance/scrutin/<int:poll_pk>/clore/",
        evote_views.poll_close,
        name="poll_close",
    ),
    path(
        "<int:pk>/seance/scrutin/<int:poll_pk>/annuler/",
        evote_views.poll_cancel,
        name="poll_cancel",
    ),
    path("<int:pk>/ecran/", room.room_display, name="room_display"),
    path("<int:pk>/ecran/etat/", room.room_display_state, name="room_display_state"),
]

space_patterns = [
    path("seances/<int:pk>/en-direct/", room.member_live, name="live"),
    path("seances/<int:pk>/en-direct/etat/", room.member_live_state, name="live_state"),
    path(
        "seances/<int:pk>/en-direct/scrutins/<int:poll_pk>/voter/",
        evote_views.ballot_cast,
        name="ballot_cast",
    ),
]
