"""The live screen's URLs, under /seances/ in the `meetings` namespace (mounted by the root
URLconf): roll call, proxies, arrivals and departures, quorum, votes."""

from __future__ import annotations

from django.urls import path

from pma_governance.live import views

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
]
