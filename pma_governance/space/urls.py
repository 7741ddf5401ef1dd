"""The members' space: sessions by year, documents, one's own attendance."""

from __future__ import annotations

from django.urls import path

from pma_governance.space import receipts, views

app_name = "space"

urlpatterns = [
    path("", views.index, name="index"),
    path("seances/<int:pk>/", views.session, name="session"),
    path("seances/<int:pk>/points/<int:item_pk>/deport/", views.deport_add, name="deport_add"),
    path(
        "seances/<int:pk>/deports/<int:deport_pk>/retirer/",
        views.deport_remove,
        name="deport_remove",
    ),
    path("seances/<int:pk>/ma-reponse/", views.answer_give_view, name="answer_give"),
    path("seances/<int:pk>/ma-reponse/retirer/", views.answer_withdraw, name="answer_withdraw"),
    path(
        "seances/<int:pk>/pouvoirs/<int:answer_pk>/refuser/",
        views.pouvoir_decline,
        name="pouvoir_decline",
    ),
    path(
        "seances/<int:pk>/ma-procuration/signer/",
        views.procuration_sign_view,
        name="procuration_sign",
    ),
    path(
        "seances/<int:pk>/procurations/<int:answer_pk>/",
        views.procuration,
        name="procuration",
    ),
    path("mon-assiduite/", views.attendance, name="attendance"),
    path("projets/<int:pk>/", views.projet, name="projet"),
    path("mes-notes/export/", views.notes_export, name="notes_export"),
    path("mes-courriels/", views.notifications, name="notifications"),
    path(
        "seances/<int:pk>/convocation-recue/",
        receipts.acknowledge_in_space,
        name="convocation_acknowledge",
    ),
]

# Under /convocations/, in the `convocations` namespace, without login: the personal link
# of a convocation e-mail (the token is the key).
receipt_patterns = [
    path("<str:token>/", receipts.receipt, name="receipt"),
    path("<str:token>/accuse-de-reception/", receipts.acknowledge, name="acknowledge"),
]
