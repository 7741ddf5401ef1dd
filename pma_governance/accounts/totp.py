"""TOTP devices (django-otp): enrolling an authenticator application and checking its
codes. The QR code is drawn here, as SVG: the secret never leaves the server otherwise."""

from __future__ import annotations

import io
import math
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Application d'authentification"
WRONG_CODE = (
    "Ce code n'est pas le bon ou a expiré : saisissez le code que votre application "
    "affiche maintenant."
)


def enrolment_device(user: Any) -> TOTPDevice:
    """The account's device being enrolled: the same secret until a code confirms it."""
    pending = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk")
    device = pending.first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> bytes:
    """The otpauth:// URL of the device as a standalone SVG QR code."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=2, box_size=12
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, by groups of four, for typing into an application."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _throttled(device: TOTPDevice) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    seconds = math.ceil((until - timezone.now()).total_seconds()) if until else 1
    return (
        f"Trop de codes erronés : attendez {max(seconds, 1)} seconde"
        f"{'s' if seconds > 1 else ''} avant de réessayer."
    )


@transaction.atomic
def device_verify(*, user: Any, code: str) -> tuple[TOTPDevice | None, str]:
    """The confirmed device of the account that accepts this code, or why none does.

    Each wrong code makes the next try wait longer (django-otp's throttling: 1, 2, 4… s).
    """
    problem = WRONG_CODE
    # Locked: two tries of one code at once cannot both pass.
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
    for device in devices:
        throttled = _throttled(device)
        if throttled:
            problem = throttled
        elif device.verify_token(code):
            return device, ""
    return None, problem


@transaction.atomic
def device_confirm(*, device: TOTPDevice, code: str) -> tuple[TOTPDevice | None, str]:
    """Confirm the device being enrolled with its first code: the device, or why not."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    throttled = _throttled(device)
    if throttled:
        return None, throttled
    if not device.verify_token(code):
        return None, WRONG_CODE
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, ""
