"""The interchange app: the session document's validation, import and export, and the
`import_session` and `export_session` commands; it has no models of its own.
"""

from __future__ import annotations

from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "pma_governance.interchange"
    label = "interchange"
    verbose_name = "Échange de séances (import et export)"
