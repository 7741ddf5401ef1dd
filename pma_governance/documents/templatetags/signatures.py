"""`{% signature_panel %}`: who has signed an act, who still must, and the button to sign."""

from __future__ import annotations

from typing import Any

from django import template

from deliberations.models import Deliberation, SignatureConsent
from deliberations.storage import get_signed
from meetings.models import Session
from members.certificates import active_certificate

register = template.Library()


@register.inclusion_tag("documents/_signature_panel.html", takes_context=True)
def signature_panel(
    context: dict[str, Any],
    kind: str,
    session: Session | None = None,
    deliberation: Deliberation | None = None,
) -> dict[str, Any]:
    user = context["request"].user
    if kind == "deliberation":
        assert deliberation is not None
        session = deliberation.item.session if deliberation.item else None
        subject: dict[str, Any] = {"deliberation": deliberation}
    else:
        subject = {"session": session}
    signed = get_signed(kind, **subject)
    consents = {
        c.role: c
        for c in SignatureConsent.objects.filter(kind=kind, **subject).select_related("user")
    }
    roles = []
    for role, label in SignatureConsent.Role.choices:
        mandate = None
        if session is not None:
            mandate = session.president if role == "president" else session.secretary
        consent = consents.get(role)
        own = mandate is not None and mandate.person.user_id == user.pk
        roles.append(
            {
                "role": role,
                "label": label,
                "mandate": mandate,
                "consent": consent,
                # Only the signatory's own account signs, with his own certificate.
                "may_sign": consent is None
                and own
                and not any(c.user_id == user.pk for c in consents.values()),
                "certificate": active_certificate(mandate.person) if own and mandate else None,
                "may_withdraw": consent is not None and consent.user_id == user.pk,
            }
        )
    votable = kind == "pv" or (
        deliberation is not None and deliberation.status == Deliberation.Status.VOTED
    )
    errata: list[Any] = []
    if signed is not None:
        act = deliberation if kind == "deliberation" else getattr(session, "pv", None)
        errata = list(act.errata.order_by("date", "pk")) if act is not None else []
    return {
        "errata": errata,
        "may_correct": signed is not None and user.has_perm("deliberations.add_erratum"),
        "kind": kind,
        "session": session,
        "deliberation": deliberation,
        "signed": signed,
        "roles": roles,
        "ready": signed is None and votable,
        "csrf_token": context.get("csrf_token"),
    }
