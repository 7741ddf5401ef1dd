from __future__ import annotations

from django.urls import path

from deliberations.views import acts as views
from deliberations.views import agenda, answers

# Under /deliberations/, in the `deliberations` namespace.
urlpatterns = [
    path("", views.deliberation_list, name="list"),
    path("nouveau/", views.deliberation_create, name="create"),
    path("<int:pk>/", views.deliberation_detail, name="detail"),
    path("<int:pk>/modifier/", views.deliberation_edit, name="edit"),
    path("<int:pk>/supprimer/", views.deliberation_remove, name="delete"),
    path("visas/", views.visa_list, name="visas"),
    path("visas/<int:pk>/modifier/", views.visa_edit, name="visa_edit"),
    path("visas/<int:pk>/supprimer/", views.visa_remove, name="visa_delete"),
]

# Under /seances/, in the `meetings` namespace: the session's page and its ordre du jour.
session_patterns = [
    path("<int:pk>/", agenda.session_detail, name="session_detail"),
    path("<int:pk>/ordre-du-jour/ajouter/", agenda.item_add, name="item_add"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/modifier/", agenda.item_edit, name="item_edit"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/deplacer/", agenda.item_move, name="item_move"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/retirer/", agenda.item_remove, name="item_remove"),
    path("<int:pk>/deports/ajouter/", agenda.deport_add, name="deport_add"),
    path("<int:pk>/deports/<int:deport_pk>/retirer/", agenda.deport_remove, name="deport_remove"),
    path("<int:pk>/reponses/ajouter/", answers.paper_answer_add, name="paper_answer_add"),
    path(
        "<int:pk>/reponses/<int:answer_pk>/retirer/",
        answers.paper_answer_remove,
        name="paper_answer_remove",
    ),
    path("<int:pk>/reponses/relancer/", agenda.answers_remind, name="answers_remind"),
]
