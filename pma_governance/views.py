from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meetings.selectors import sessions_for_user


def home(request: HttpRequest) -> HttpResponse:
    sessions = sessions_for_user(request.user)[:20]
    return render(request, "home.html", {"sessions": sessions})


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
