"""Production (README « Mise en production »): `make serve`'s command for real — gunicorn,
DEBUG off, static files by WhiteNoise —, `check --deploy` with the documented environment,
and `/sante/` against a database that does not answer."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ENV_MARKER = "<!-- production-environment:"
# How long gunicorn may take to come up: `make serve` migrates and runs collectstatic first.
START_DEADLINE_S = 600


def documented_environment() -> dict[str, str]:
    """The `NAME=value` lines of the README's production block."""
    text = README.read_text(encoding="utf-8")
    block = re.search(re.escape(ENV_MARKER) + r".*?\n```sh\n(.*?)\n```", text, re.DOTALL)
    assert block is not None, "README: production environment block not found"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if line.strip())
    return {name.strip(): value.strip() for name, value in pairs}


def _clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the app's settings, plus `extra`."""
    documented = documented_environment()
    # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests' conftest sets it in this process (its
    # live server runs beside Playwright's event loop); no deployment has it.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in documented and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["DJANGO_SETTINGS_MODULE"] = "pma_governance.settings"
    env.update(extra)
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_passes_with_the_documented_production_environment() -> None:
    env = _clean_environment(**documented_environment())
    # The README shows a placeholder; a deployment generates its own.
    env["SECRET_KEY"] = secrets.token_urlsafe(50)

    result = _check_deploy(env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_hsts_and_ssl_redirect() -> None:
    documented = documented_environment()
    env = _clean_environment(
        **{
            name: value
            for name, value in documented.items()
            if not name.startswith(("SECURE_HSTS", "SECURE_SSL_REDIRECT"))
        }
    )
    env["SECRET_KEY"] = secrets.token_urlsafe(50)

    result = _check_deploy(env)

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008"):
        assert warning in result.stderr, result.stderr


def test_documented_environment_names_every_security_setting() -> None:
    documented = documented_environment()

    for name in (
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_MAX_HOURS",
        "SESSION_IDLE_MINUTES",
    ):
        assert name in documented, name
        assert f"| `{name}` |" in README.read_text(encoding="utf-8"), f"{name} not in the table"


# --- /sante/ and the 500 page with a database that does not answer -------------------------

DOWN_SCRIPT = """
import json
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for path in ("/sante/", "/public/", "/api/v1/organes/"):
    response = client.get(path)
    answers[path] = [response.status_code, response["Content-Type"], response.content.decode()]
print(json.dumps(answers))
"""


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port where nothing listens: bound, never listening, so connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_health_answers_503_and_pages_500_in_french_when_the_database_is_down(
    closed_port: int,
) -> None:
    env = _clean_environment(
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{closed_port}/pma_governance",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        # The test settings: static names without collectstatic.
        DJANGO_SETTINGS_MODULE="pma_governance.settings_test",
    )

    result = subprocess.run(
        [sys.executable, "-c", DOWN_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    status, content_type, body = answers["/sante/"]
    assert (status, content_type) == (503, "application/json")
    assert json.loads(body) == {
        "status": "indisponible",
        "detail": "La base de données ne répond pas : l'application ne peut pas servir les pages.",
    }
    status, content_type, body = answers["/public/"]
    assert status == 500
    assert content_type.startswith("text/html")
    assert "<h1>Erreur du serveur</h1>" in body
    assert 'href="/static/css/app.css"' in body
    status, content_type, body = answers["/api/v1/organes/"]
    assert (status, content_type) == (500, "application/json")
    assert json.loads(body)["detail"].startswith("Erreur interne du serveur")
    # The cause is logged for the administrator.
    assert "Health check: the database does not answer" in result.stderr


# --- `make serve` for real ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _test_database_url() -> str:
    """The URL of the test database this session's pytest-django created."""
    conf = connection.settings_dict
    user = quote(conf["USER"], safe="")
    password = f":{quote(conf['PASSWORD'], safe='')}" if conf["PASSWORD"] else ""
    name = quote(conf["NAME"], safe="")
    host = conf["HOST"]
    if host.startswith("/"):
        return f"postgresql://{user}{password}@/{name}?host={quote(host, safe='/')}"
    port = f":{conf['PORT']}" if conf["PORT"] else ""
    return f"postgresql://{user}{password}@{host or '127.0.0.1'}{port}/{name}"


@dataclass
class Served:
    port: int
    log: Path

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make serve stopped ({process.returncode}):\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"gunicorn did not listen on {port}:\n{log.read_text()}")


@pytest.fixture
def served(transactional_db: None, tmp_path: Path) -> Iterator[Served]:
    """`make serve`'s command (scripts/serve.py) on a free port and the test database."""
    port = _free_port()
    log = tmp_path / "serve.log"
    env = _clean_environment(
        DATABASE_URL=_test_database_url(),
        PORT=str(port),
        BIND_ADDRESS="127.0.0.1",
        # DEBUG is left as it is (on, here): `make serve` turns it off.
        DEBUG="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "scripts/serve.py"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_listening(process, port, log)
        yield Served(port=port, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_make_serve_runs_gunicorn_with_debug_off_and_hashed_compressed_static_files(
    served: Served, tmp_path: Path
) -> None:
    page, html = served.request("GET", "/connexion/")
    head, head_body = served.request("HEAD", "/connexion/")
    missing, missing_html = served.request("GET", "/nexiste/pas/")
    health, health_body = served.request("GET", "/sante/")

    assert page.status == 200
    assert page.getheader("Server", "").startswith("gunicorn")
    assert "Mot de passe" in html.decode()
    # HEAD: GET's headers, no body on the wire (gunicorn warns when an app sends one).
    assert (head.status, head_body) == (200, b"")
    assert head.getheader("Content-Length") == page.getheader("Content-Length")
    # DEBUG off: the French 404 page, not Django's technical one.
    assert missing.status == 404
    assert "<h1>Page introuvable</h1>" in missing_html.decode()
    assert "Django" not in missing_html.decode()
    assert health.status == 200
    assert json.loads(health_body)["status"] == "ok"

    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html.decode())
    assert stylesheet is not None, "the page links the hashed name of app.css"
    css, css_body = served.request("GET", stylesheet.group(1), {"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.getheader("Content-Encoding") == "gzip"
    assert "immutable" in css.getheader("Cache-Control", "")
    assert gzip.decompress(css_body) == (ROOT / "static" / "css" / "app.css").read_bytes()
    collected = tmp_path / "static" / stylesheet.group(1).removeprefix("/static/")
    assert collected.with_name(collected.name + ".gz").is_file()

    log = served.log.read_text()
    assert "no-body response" not in log
    assert "Applying" in log or "No migrations to apply" in log
