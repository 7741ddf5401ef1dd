"""The documents' URLs. Their names keep the namespaces users and templates know
(`deliberations:signature`, `meetings:pv_preview`): the root URLconf mounts each list in
its namespace."""

from __future__ import annotations

from django.urls import path

from pma_governance.documents import views

# Under /documents/, no namespace.
urlpatterns = [
    path("seances/<int:pk>/<slug:kind>.pdf", views.session_document, name="session_document"),
    path("deliberations/<int:pk>.pdf", views.deliberation_document, name="deliberation_document"),
    path(
        "deliberations/<int:pk>-executoire.pdf",
        views.deliberation_executoire_document,
        name="deliberation_executoire_document",
    ),
]

# Under /seances/, in the `meetings` namespace.
session_patterns = [
    path("<int:pk>/pv/apercu/", views.pv_preview, name="pv_preview"),
]

# Under /deliberations/, in the `deliberations` namespace.
deliberation_patterns = [
    path("<int:pk>/signer/", views.deliberation_signature, name="signature"),
    path("signature/pv/<int:pk>/", views.pv_signature, name="pv_signature"),
    path("signature/<int:pk>/retirer/", views.withdraw, name="signature_withdraw"),
    path("erratum/<slug:kind>/<int:pk>/", views.erratum_add, name="erratum_add"),
]

# Under /public/, in the `public` namespace, without login: the public liste as a PDF.
public_patterns = [
    path(
        "<slug:short_name>/seances/<str:day>/liste.pdf",
        views.public_liste_pdf,
        name="liste_pdf",
    ),
]
