from __future__ import annotations

from django.urls import path

from meetings import views

# Under /seances/, in the `meetings` namespace (the root URLconf adds the pages of the
# features about a session: its ordre du jour, the live screen, the PV preview).
urlpatterns = [
    # Preparing a session.
    path("", views.session_list, name="session_list"),
    path("nouvelle/", views.session_create, name="session_create"),
    path("<int:pk>/modifier/", views.session_edit, name="session_edit"),
    path("<int:pk>/convocation/", views.convocation, name="convocation"),
    path(
        "<int:pk>/convocation/envois/<int:dispatch_pk>/bordereau.pdf",
        views.bordereau,
        name="bordereau",
    ),
    # Drafting the procès-verbal.
    path("<int:pk>/pv/", views.pv_edit, name="pv_edit"),
]
