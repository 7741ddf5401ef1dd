"""The security journal (issue 11, point 8): who did what, when, from where.

`record_event` writes one `SecurityEvent` (append-only: the database refuses any change)
and the same line to the logger `pma_governance.security`. Services call it for what they
do (signatures, the prefecture, publication); the receivers below record what Django
signals (logins, failures, logouts, rights given or taken, persons linked to accounts),
whatever the code path — admin, command or shell.

Who and from where come from the request being served: `SecurityRequestMiddleware` keeps it
for the time of the request. The client's address is REMOTE_ADDR, or the last address of
X-Forwarded-For as `TRUSTED_PROXY_COUNT` says (`lib.http.client_ip`, as django-axes sees it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

from members.models import Body, BodyAccess, Person, SecurityEvent
from pma_governance.lib import http

logger = logging.getLogger("pma_governance.security")

Kind = SecurityEvent.Kind

_request: ContextVar[HttpRequest | None] = ContextVar("security_request", default=None)


class SecurityRequestMiddleware:
    """Keeps the request being served, so that an event knows its author and address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the proxy's header only when the settings trust a proxy."""
    if request is None:
        return None
    return http.client_ip(request)


def _actor(user: Any, request: HttpRequest | None) -> Any:
    if user is None and request is not None:
        user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def record_event(
    *,
    kind: str,
    detail: str = "",
    user: Any = None,
    username: str = "",
    request: HttpRequest | None = None,
) -> SecurityEvent:
    """Write one event of the journal, and log it.

    `user` acted (default: the account of the request being served); `username` names the
    account typed when there is none (a failed login); `request` gives the address (default:
    the request being served). Called inside a service's transaction, the event is kept only
    if what it records is.
    """
    request = request if request is not None else _request.get()
    actor = _actor(user, request)
    event = SecurityEvent.objects.create(
        kind=kind,
        user=actor,
        username=(actor.get_username() if actor is not None else username)[:150],
        ip=client_ip(request),
        detail=detail,
    )
    logger.info(
        "%s user=%s ip=%s %s",
        kind,
        event.username or "-",
        event.ip or "-",
        detail,
        extra={"security_event": kind},
    )
    return event


# --- Logins -------------------------------------------------------------------------------


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_event(kind=Kind.LOGIN, user=user, request=request, detail=request.path)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    path = request.path if request is not None else ""
    record_event(kind=Kind.LOGIN_FAILED, username=typed, request=request, detail=path)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_event(kind=Kind.LOGOUT, user=user, request=request)


def lockout_record(
    *, request: HttpRequest | None = None, username: str = "", **kwargs: Any
) -> SecurityEvent:
    """A lockout after repeated failures; shaped as a receiver of django-axes' `user_locked_out`."""
    return record_event(
        kind=Kind.LOCKOUT,
        username=username,
        request=request,
        detail="Connexions refusées après des échecs répétés.",
    )


# --- Rights: body access, person ↔ account, groups, permissions, account flags -----------


SHOWN = 10


def _names(objects: Iterable[Model]) -> str:
    """The names of what was given or taken, the first ten then how many more."""
    names = sorted(
        f"{o.content_type.app_label}.{o.codename}" if isinstance(o, Permission) else str(o)
        for o in objects
    )
    more = f" et {len(names) - SHOWN} autre(s)" if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


def _access_saved(sender: Any, instance: BodyAccess, created: bool, **kwargs: Any) -> None:
    before = instance.__dict__.pop("_security_before", None)
    after = (instance.user_id, instance.body_id)
    if not created and before == after:
        return
    if before is not None and before != after:
        _access_revoked_ids(*before)
    record_event(
        kind=Kind.ACCESS_GRANTED,
        detail=f"Compte {instance.user} : accès à {instance.body.short_name}.",
    )


def _access_revoked_ids(user_id: int, body_id: int) -> None:
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    body = Body.objects.filter(pk=body_id).first()
    record_event(
        kind=Kind.ACCESS_REVOKED,
        detail=f"Compte {user or user_id} : accès à {getattr(body, 'short_name', body_id)} retiré.",
    )


def _access_before(sender: Any, instance: BodyAccess, **kwargs: Any) -> None:
    if instance.pk is not None:
        instance._security_before = (  # type: ignore[attr-defined]
            BodyAccess.objects.filter(pk=instance.pk).values_list("user_id", "body_id").first()
        )


def _access_deleted(sender: Any, instance: BodyAccess, **kwargs: Any) -> None:
    _access_revoked_ids(instance.user_id, instance.body_id)


def _person_before(sender: Any, instance: Person, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and "user" not in fields:
        return  # e.g. the e-mail address alone
    before = None
    if instance.pk is not None:
        before = Person.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    instance._security_before = (before,)  # type: ignore[attr-defined]


def _person_saved(sender: Any, instance: Person, created: bool, **kwargs: Any) -> None:
    state = instance.__dict__.pop("_security_before", None)
    if state is None or state[0] == instance.user_id:
        return
    [before] = state
    users = get_user_model()._default_manager.in_bulk([before, instance.user_id])
    if before is not None:
        record_event(
            kind=Kind.PERSON_UNLINKED,
            detail=f"{instance.full_name} n'est plus rattaché(e) au compte {users.get(before)}.",
        )
    if instance.user_id is not None:
        record_event(
            kind=Kind.PERSON_LINKED,
            detail=f"{instance.full_name} rattaché(e) au compte {users.get(instance.user_id)} : "
            "ce compte signe en son nom.",
        )


FLAGS = {
    "is_superuser": "superutilisateur",
    "is_staff": "accès à l'administration",
    "is_active": "actif",
}


def _account_before(sender: Any, instance: Any, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and not set(fields) & set(FLAGS):
        return  # e.g. the last login, written at each login
    before = None
    if instance.pk is not None:
        before = sender._default_manager.filter(pk=instance.pk).values(*FLAGS).first()
    instance._security_flags = before or dict.fromkeys(FLAGS, False)


def _account_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before = instance.__dict__.pop("_security_flags", None)
    if before is None:
        return
    changes = [
        f"{label} : {'oui' if getattr(instance, flag) else 'non'}"
        for flag, label in FLAGS.items()
        if bool(getattr(instance, flag)) != bool(before[flag])
        if not (created and flag == "is_active")
    ]
    if changes:
        verb = "créé" if created else "modifié"
        record_event(
            kind=Kind.ACCOUNT_CHANGED,
            detail=f"Compte {instance.get_username()} {verb} : {', '.join(changes)}.",
        )


ACTIONS = {"post_add": "ajout", "post_remove": "retrait", "pre_clear": "retrait"}


def _m2m_changed(kind: str, owner: str, item: str) -> Callable[..., None]:
    """A receiver of `m2m_changed` recording what was added to or removed from a relation."""

    def receiver(
        sender: Any,
        instance: Model,
        action: str,
        reverse: bool,
        model: type[Model],
        pk_set: set[Any] | None,
        **kwargs: Any,
    ) -> None:
        if action not in ACTIONS:
            return
        if action == "pre_clear":
            # Cleared: what goes is read before it goes.
            field = sender._meta.get_field(item if not reverse else owner)
            pk_set = set(
                sender._default_manager.filter(
                    **{f"{(owner if not reverse else item)}_id": instance.pk}
                ).values_list(field.attname, flat=True)
            )
        if not pk_set:
            return
        others = model._default_manager.filter(pk__in=pk_set)
        if model is Permission:
            others = others.select_related("content_type")
        record_event(
            kind=kind,
            detail=f"{instance._meta.verbose_name} {instance} : {ACTIONS[action]} de "
            f"{_names(others)}.",
        )

    return receiver


_groups_changed = _m2m_changed(Kind.GROUPS_CHANGED, "user", "group")
_user_permissions_changed = _m2m_changed(Kind.PERMISSIONS_CHANGED, "user", "permission")
_group_permissions_changed = _m2m_changed(Kind.PERMISSIONS_CHANGED, "group", "permission")


def connect_receivers() -> None:
    """Connect the journal to Django's signals (MembersConfig.ready)."""
    user_model = get_user_model()
    user_logged_in.connect(_logged_in, dispatch_uid="security_login")
    user_login_failed.connect(_login_failed, dispatch_uid="security_login_failed")
    user_logged_out.connect(_logged_out, dispatch_uid="security_logout")
    pre_save.connect(_access_before, sender=BodyAccess, dispatch_uid="security_access_pre")
    post_save.connect(_access_saved, sender=BodyAccess, dispatch_uid="security_access")
    post_delete.connect(_access_deleted, sender=BodyAccess, dispatch_uid="security_access_del")
    pre_save.connect(_person_before, sender=Person, dispatch_uid="security_person_pre")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="security_person")
    pre_save.connect(_account_before, sender=user_model, dispatch_uid="security_account_pre")
    post_save.connect(_account_saved, sender=user_model, dispatch_uid="security_account")
    m2m_changed.connect(
        _groups_changed,
        sender=user_model.groups.through,  # type: ignore[attr-defined]
        dispatch_uid="security_groups",
    )
    m2m_changed.connect(
        _user_permissions_changed,
        sender=user_model.user_permissions.through,  # type: ignore[attr-defined]
        dispatch_uid="security_user_permissions",
    )
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="security_group_permissions",
    )
