from __future__ import annotations

from django.urls import path

from deliberations import views

app_name = "deliberations"

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
