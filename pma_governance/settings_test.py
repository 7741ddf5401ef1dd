"""Test settings: the real settings with fast hashers and in-memory e-mail."""

from __future__ import annotations

from pma_governance.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
