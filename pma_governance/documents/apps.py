from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Official documents and signing: PDFs, the PV preview, PAdES signatures, errata."""

    name = "pma_governance.documents"
    label = "documents"
    verbose_name = "Documents officiels et signature"
