"""The roles of DESIGN §1 as Django groups with permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

SECRETARIAT = "Secrétariat"
ADMINISTRATOR = "Administrateur"
ELECTED = "Élu"

APPS = ("members", "meetings", "deliberations")


# Granting a body is a superuser's act (issue 11): no role holds a right on the accesses.
SUPERUSER_ONLY_MODELS = ("bodyaccess",)


def _perms(actions: tuple[str, ...]) -> list[Permission]:
    return list(
        Permission.objects.filter(
            content_type__app_label__in=APPS,
            codename__regex=r"^(" + "|".join(actions) + r")_",
        ).exclude(content_type__model__in=SUPERUSER_ONLY_MODELS)
    )


def ensure_roles(**kwargs: Any) -> dict[str, Group]:
    """Create or refresh the three groups; safe to run again."""
    groups: dict[str, Group] = {}
    plans = {
        SECRETARIAT: ("view", "add", "change", "delete"),
        ADMINISTRATOR: (
            "view",
            "add",
            "change",
            "delete",
            "sign",
            "transmit",
            "publish",
            # the signatories' certificates (members.register_signingcertificate)
            "register",
        ),
        ELECTED: ("view",),
    }
    for name, actions in plans.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_perms(actions))
        groups[name] = group
    return groups


def user_roles(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        names |= {SECRETARIAT, ADMINISTRATOR}
    return names
