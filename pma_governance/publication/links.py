"""The stable public URLs (paths) of what is published, shared by the pages, the feed, the
sitemap and the JSON API. They are built from what never changes once published: the
body's short name, the session's date and the act's number."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pma_governance.publication.selectors import number_slug


def body_path(short_name: str) -> str:
    return reverse("public:body", args=[short_name])


def session_path(short_name: str, day: dt.date) -> str:
    return reverse("public:session", args=[short_name, day.isoformat()])


def deliberation_path(short_name: str, number: str) -> str:
    return reverse("public:deliberation", args=[short_name, number_slug(number)])


def deliberation_pdf_path(short_name: str, pk: int) -> str:
    return reverse("public:deliberation_pdf", args=[short_name, pk])


def pv_pdf_path(short_name: str, day: dt.date) -> str:
    return reverse("public:pv_pdf", args=[short_name, day.isoformat()])


def liste_path(short_name: str, day: dt.date) -> str:
    return reverse("public:liste", args=[short_name, day.isoformat()])


def liste_pdf_path(short_name: str, day: dt.date) -> str:
    return reverse("public:liste_pdf", args=[short_name, day.isoformat()])
