from __future__ import annotations

from django.urls import path

from meetings import views, views_live

urlpatterns = [
    # Preparing a session (views.py).
    path("", views.session_list, name="session_list"),
    path("nouvelle/", views.session_create, name="session_create"),
    path("<int:pk>/modifier/", views.session_edit, name="session_edit"),
    path("<int:pk>/convocation/", views.convocation, name="convocation"),
    # Holding the session: roll call, quorum, votes (views_live.py).
    path("<int:pk>/seance/", views_live.live, name="live"),
    path("<int:pk>/seance/quorum/", views_live.quorum_panel, name="quorum_panel"),
    path(
        "<int:pk>/seance/presence/<int:mandate_pk>/",
        views_live.attendance_update,
        name="attendance_update",
    ),
    path("<int:pk>/seance/pouvoirs/", views_live.proxy_add, name="proxy_add"),
    path(
        "<int:pk>/seance/pouvoirs/<int:proxy_pk>/revoquer/",
        views_live.proxy_revoke,
        name="proxy_revoke",
    ),
    path("<int:pk>/seance/mouvements/", views_live.presence_move, name="presence_move"),
    path("<int:pk>/seance/points/<int:item_pk>/vote/", views_live.vote_entry, name="vote_entry"),
    path(
        "<int:pk>/seance/points/<int:item_pk>/vote/annuler/",
        views_live.vote_undo,
        name="vote_undo",
    ),
    # Drafting the procès-verbal.
    path("<int:pk>/pv/", views.pv_edit, name="pv_edit"),
]
