from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pma_governance import views
from pma_governance.documents import views as documents

admin.site.site_header = "PMA Governance — administration"
admin.site.site_title = "PMA Governance"
admin.site.index_title = "Administration des assemblées"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("sante/", views.health, name="health"),
    path("membres/", include("members.urls")),
    path("seances/", include("meetings.urls")),
    path("deliberations/", include("deliberations.urls")),
    path("public/", include("pma_governance.public_urls")),
    path(
        "documents/seances/<int:pk>/<slug:kind>.pdf",
        documents.session_document,
        name="session_document",
    ),
    path(
        "documents/deliberations/<int:pk>.pdf",
        documents.deliberation_document,
        name="deliberation_document",
    ),
    path("admin/", admin.site.urls),
]
