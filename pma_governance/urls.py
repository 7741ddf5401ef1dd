from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from deliberations import sitemaps as public_sitemaps
from deliberations import urls as deliberations_urls
from deliberations import views_public
from meetings import urls as meetings_urls
from pma_governance import views
from pma_governance.documents import urls as documents_urls
from pma_governance.live import urls as live_urls

admin.site.site_header = "PMA Governance — administration"
admin.site.site_title = "PMA Governance"
admin.site.index_title = "Administration des assemblées"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("sante/", views.health, name="health"),
    path("membres/", include("members.urls")),
    # A namespace gathers the pages of one object, whichever package serves them.
    path(
        "seances/",
        include(
            (
                meetings_urls.urlpatterns
                + deliberations_urls.session_patterns
                + live_urls.session_patterns
                + documents_urls.session_patterns,
                "meetings",
            )
        ),
    ),
    path(
        "deliberations/",
        include(
            (deliberations_urls.urlpatterns + documents_urls.deliberation_patterns, "deliberations")
        ),
    ),
    path("espace/", include("pma_governance.space.urls")),
    path("recherche/", include("pma_governance.search.urls")),
    path("public/", include("pma_governance.public_urls")),
    path("api/v1/", include("deliberations.urls_api")),
    path("sitemap.xml", public_sitemaps.sitemap_xml, name="sitemap"),
    path("robots.txt", views_public.robots_txt, name="robots_txt"),
    path("documents/", include(documents_urls.urlpatterns)),
    path("admin/", admin.site.urls),
]
