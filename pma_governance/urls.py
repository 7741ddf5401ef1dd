"""The root URLconf: it mounts every package's URLs. A namespace gathers the pages of one
object (`meetings:` a session, `deliberations:` an act, `public:` the portal), whichever
package serves them, so that URL names never tell where the code lives."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from deliberations import urls as deliberations_urls
from meetings import urls as meetings_urls
from pma_governance import errors, views
from pma_governance.accounts import urls as accounts_urls
from pma_governance.documents import urls as documents_urls
from pma_governance.live import urls as live_urls
from pma_governance.prefecture import urls as prefecture_urls
from pma_governance.publication import urls as publication_urls
from pma_governance.space import urls as space_urls

Patterns = list[URLPattern | URLResolver]

# French pages, JSON under /api/ (pma_governance.errors).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

session_pages: Patterns = [
    *meetings_urls.urlpatterns,
    *deliberations_urls.session_patterns,
    *live_urls.session_patterns,
    *documents_urls.session_patterns,
]
deliberation_pages: Patterns = [
    *deliberations_urls.urlpatterns,
    *documents_urls.deliberation_patterns,
    *prefecture_urls.deliberation_patterns,
    *publication_urls.deliberation_patterns,
]
space_pages: Patterns = [
    *space_urls.urlpatterns,
    *live_urls.space_patterns,
]
public_pages: Patterns = [
    *publication_urls.portal_patterns,
    *documents_urls.public_patterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include((accounts_urls.urlpatterns, "accounts"))),
    # The name the admin's login page looks for to offer « Mot de passe oublié ? ».
    path(
        "connexion/mot-de-passe-oublie/",
        accounts_urls.password_reset,
        name="admin_password_reset",
    ),
    path("sante/", views.health, name="health"),
    path("membres/", include("members.urls")),
    path("seances/", include((session_pages, "meetings"))),
    path("deliberations/", include((deliberation_pages, "deliberations"))),
    path("espace/", include((space_pages, "space"))),
    path("convocations/", include((space_urls.receipt_patterns, "convocations"))),
    path("recherche/", include("pma_governance.search.urls")),
    path("public/", include((public_pages, "public"))),
    path("api/v1/", include((publication_urls.api_patterns, "api"))),
    path("documents/", include(documents_urls.urlpatterns)),
    path("", include(publication_urls.urlpatterns)),
    path("admin/", admin.site.urls),
]
