"""The « Recherche » page: deliberations and procès-verbaux, French full text, best first."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from meetings.selectors import sessions_for_user
from pma_governance.search.forms import SearchForm
from pma_governance.search.selectors import SearchHit, archive_search

PAGE_SIZE = 20


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    years = [d.year for d in sessions_for_user(request.user).dates("date", "year", order="DESC")]
    form = SearchForm(request.GET or None, years=years)
    text, filters, ignored = form.search()
    results = archive_search(request.user, text, filters)
    page: Page[SearchHit] = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "nav": "search",
            "form": form,
            "text": text,
            "searched": results.query is not None,
            "ignored": ignored,
            "page": page,
            "query": query.urlencode(),
        },
    )
