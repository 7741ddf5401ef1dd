from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from deliberations import sitemaps as public_sitemaps
from deliberations import views_public
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
    path("espace/", include("meetings.urls_space")),
    path("recherche/", include("deliberations.urls_search")),
    path("public/", include("pma_governance.public_urls")),
    path("api/v1/", include("deliberations.urls_api")),
    path("sitemap.xml", public_sitemaps.sitemap_xml, name="sitemap"),
    path("robots.txt", views_public.robots_txt, name="robots_txt"),
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
