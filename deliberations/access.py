"""Access to deliberations: a user reaches an act only through the bodies open to him."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from deliberations.models import Deliberation
from deliberations.selectors import deliberations_for_user
from members.access import require_perm


def get_deliberation_for_user(
    request: HttpRequest, pk: int, *, perm: str | None = None
) -> Deliberation:
    """A deliberation of a body the user may see (404 otherwise); 403 without `perm`."""
    if perm:
        require_perm(request, perm)
    return get_object_or_404(deliberations_for_user(request.user), pk=pk)
