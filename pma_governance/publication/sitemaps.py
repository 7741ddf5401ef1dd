"""The sitemap (`/sitemap.xml`): the public index, the bodies, sessions and deliberations with
something published, each dated by its latest publication. Only what `selectors_public`
says is public is listed; the PDFs are reached from the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from deliberations.models import Deliberation
from deliberations.selectors import published_deliberations
from meetings.models import Session
from members.models import Body
from pma_governance.publication import selectors as public
from pma_governance.publication.links import body_path, deliberation_path, session_path


class PublicIndexSitemap(Sitemap[str]):
    """The entrance of the public pages."""

    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["public:index"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> dt.date | None:
        latest: dt.date | None = public.public_bodies().aggregate(day=Max("last_published_on"))[
            "day"
        ]
        return latest


class BodySitemap(Sitemap[Body]):
    """Each body with something published."""

    changefreq = "weekly"

    def items(self) -> QuerySet[Body]:
        return public.public_bodies()

    def location(self, item: Body) -> str:
        return body_path(item.short_name)

    def lastmod(self, item: Body) -> dt.date | None:
        day: dt.date | None = getattr(item, "last_published_on", None)
        return day


class SessionSitemap(Sitemap[Session]):
    """Each session with a published PV or act."""

    def items(self) -> QuerySet[Session]:
        return public.public_sessions()

    def location(self, item: Session) -> str:
        return session_path(item.body.short_name, item.date)

    def lastmod(self, item: Session) -> dt.date | None:
        day: dt.date | None = getattr(item, "last_published_on", None)
        return day


class DeliberationSitemap(Sitemap[Deliberation]):
    """Each published deliberation, dated by its publication."""

    def items(self) -> QuerySet[Deliberation]:
        return (
            published_deliberations()
            .select_related("body")
            .order_by("body__short_name", "sequence", "id")
        )

    def location(self, item: Deliberation) -> str:
        return deliberation_path(item.body.short_name, item.number or "")

    def lastmod(self, item: Deliberation) -> dt.date | None:
        return item.published_on


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "public": PublicIndexSitemap,
    "organes": BodySitemap,
    "seances": SessionSitemap,
    "deliberations": DeliberationSitemap,
}


@login_not_required
@require_safe
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    response = sitemap(request, sitemaps=SITEMAPS)
    response["Cache-Control"] = "public, max-age=3600"
    return response
