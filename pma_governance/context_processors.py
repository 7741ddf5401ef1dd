from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from members.access import can_edit
from members.selectors import has_staff_role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_edit": False, "user_is_staff_role": False}
    return {"can_edit": can_edit(user), "user_is_staff_role": has_staff_role(user)}
