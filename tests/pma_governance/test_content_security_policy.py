"""The Content-Security-Policy every response carries, and its one exception.

tests/browser/test_injection.py proves in Chromium that the pages comply with it and that
it refuses a script printed raw; this reads the header itself.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Council
from tests.factories import login_as

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in header.split(";"))


def test_every_response_refuses_inline_code_eval_plugins_and_framing(client: Client) -> None:
    for path in ("/connexion/", "/public/", "/api/v1/", "/sante/", "/robots.txt", "/nulle-part/"):
        directives = _directives(client.get(path)["Content-Security-Policy"])

        assert directives == {
            "default-src": "'self'",
            "script-src": "'self' 'report-sample'",
            "style-src": "'self' 'report-sample'",
            "img-src": "'self' data:",
            "object-src": "'none'",
            "base-uri": "'self'",
            "frame-ancestors": "'none'",
            "form-action": "'self'",
        }, path


def test_only_the_pv_preview_may_be_framed_and_only_by_the_site(
    client: Client, council: Council
) -> None:
    login_as(client, "secretariat", council.body)
    preview = client.get(reverse("meetings:pv_preview", args=[council.session.pk]))
    editor = client.get(reverse("meetings:pv_edit", args=[council.session.pk]))

    assert _directives(preview["Content-Security-Policy"])["frame-ancestors"] == "'self'"
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert _directives(editor["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    # The editor shows the preview in a frame that runs nothing.
    assert b'<iframe id="pv-preview" sandbox ' in editor.content
