"""The members' space: sessions by year, documents, one's own attendance."""

from __future__ import annotations

from django.urls import path

from meetings import views_space

app_name = "space"

urlpatterns = [
    path("", views_space.index, name="index"),
    path("seances/<int:pk>/", views_space.session, name="session"),
    path("mon-assiduite/", views_space.attendance, name="attendance"),
]
