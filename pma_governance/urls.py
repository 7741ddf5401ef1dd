from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pma_governance import views

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
    path("admin/", admin.site.urls),
]
