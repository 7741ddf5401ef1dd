"""Atom feeds of new publications (deliberations and procès-verbaux), newest first.

`/public/flux.atom` covers every body, `/public/<short_name>/flux.atom` one body. Entries
link to the stable public pages; their id is that page's absolute URL, which never changes
once published. Only what `selectors_public` says is public reaches a feed.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from deliberations.actes import MATIERES
from members.models import Body
from pma_governance.lib import wording as w
from pma_governance.publication import selectors as public
from pma_governance.publication.links import deliberation_path, session_path
from pma_governance.publication.selectors import Publication

FEED_SIZE = 50


def _at_midnight(day: dt.date) -> dt.datetime:
    # Publication dates are days: the entry is dated at the start of that day, local time.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class PublicationsFeed(Feed[Publication, Body | None]):
    """The latest publications of every body."""

    feed_type = Atom1Feed
    language = "fr"
    title = "Publications officielles — délibérations et procès-verbaux"
    subtitle = (
        "Délibérations et procès-verbaux des séances publiés en ligne "
        "(CGCT L2131-1 et R2131-1), les plus récents d'abord."
    )

    def link(self) -> str:
        return reverse("public:index")

    def items(self, obj: Body | None) -> list[Publication]:
        return public.latest_publications(obj, limit=FEED_SIZE)

    def item_title(self, item: Publication) -> str:
        if item.deliberation is not None:
            return f"Délibération n° {item.deliberation.number} — {item.deliberation.title}"
        assert item.pv is not None
        return f"Procès-verbal de la séance du {w.plain_date(item.pv.session.date)}"

    def item_description(self, item: Publication) -> str:
        body = item.body
        published = f"Publié{'e' if item.deliberation is not None else ''} le {w.plain_date(item.published_on)}"
        if item.deliberation is not None and item.deliberation.item is not None:
            session_day = item.deliberation.item.session.date
            return (
                f"{published}. {w.capfirst(w.the(body.assembly_name))} {w.of_the(body.name)}, "
                f"séance du {w.plain_date(session_day)}."
            )
        return f"{published}. {w.capfirst(w.the(body.assembly_name))} {w.of_the(body.name)}."

    def item_link(self, item: Publication) -> str:
        if item.deliberation is not None:
            return deliberation_path(item.body.short_name, item.deliberation.number or "")
        assert item.pv is not None
        return session_path(item.body.short_name, item.pv.session.date)

    def item_pubdate(self, item: Publication) -> dt.datetime:
        return _at_midnight(item.published_on)

    def item_updateddate(self, item: Publication) -> dt.datetime:
        # Atom requires <updated>: a publication never changes after it went online.
        return _at_midnight(item.published_on)

    def item_author_name(self, item: Publication) -> str:
        return item.body.name

    def item_categories(self, item: Publication) -> list[str]:
        if item.deliberation is not None:
            code = item.deliberation.matiere
            return [f"{code} {MATIERES.get(code, '')}".strip()]
        return ["Procès-verbal"]


class BodyPublicationsFeed(PublicationsFeed):
    """The latest publications of one body."""

    def get_object(self, request: HttpRequest, short_name: str) -> Body:  # type: ignore[override]
        return get_object_or_404(Body, short_name=short_name)

    def title(self, obj: Body) -> str:  # type: ignore[override]
        return f"{obj.name} — publications officielles"

    def subtitle(self, obj: Body) -> str:  # type: ignore[override]
        return (
            f"Délibérations et procès-verbaux {w.of_the(obj.assembly_name)} "
            f"{w.of_the(obj.name)} publiés en ligne, les plus récents d'abord."
        )

    def link(self, obj: Body) -> str:  # type: ignore[override]
        return reverse("public:body", args=[obj.short_name])
