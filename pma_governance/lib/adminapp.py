"""Django's admin app with the superusers-only site (`adminsite.py`), for INSTALLED_APPS.

Apart from the site module: an app config module is imported before the models exist.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    default_site = "pma_governance.lib.adminsite.SuperuserAdminSite"
