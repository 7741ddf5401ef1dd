"""manage.py make_demo_certificate: a usable demo certificate, never by accident in production."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pma_governance.lib.certificates import root_pem_path
from pma_governance.lib.pades import load_signer


def _run(*args: str) -> str:
    stdout = io.StringIO()
    call_command("make_demo_certificate", *args, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def p12(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "signing" / "demo.p12"
    settings.SIGNING_PKCS12_PATH = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = "demo"
    settings.DEBUG = True
    return path


def test_creates_a_certificate_the_signer_can_load(p12: Path) -> None:
    output = _run()

    assert f"Certificat de signature de démonstration créé : {p12}" in output
    assert str(root_pem_path(p12)) in output
    assert root_pem_path(p12).read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    cert = load_signer(str(p12), "demo").signing_cert
    assert cert is not None
    assert "(démonstration)" in cert.subject.human_friendly


def test_is_idempotent_unless_forced(p12: Path) -> None:
    _run()
    first = p12.read_bytes()

    output = _run()

    assert "déjà présent" in output
    assert p12.read_bytes() == first
    _run("--force")
    assert p12.read_bytes() != first


def test_refuses_when_debug_is_off_unless_forced(p12: Path, settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        _run()
    assert not p12.exists()

    _run("--force")
    assert p12.exists()
