"""benchmarks/live.py's own parts, quickly: its options and the session it prepares (the
load itself is measured by running the script, never here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection

from deliberations.models import Vote
from meetings.models import AgendaItem, Session
from pma_governance.live.evote import item_voices
from pma_governance.live.models import SessionScreen

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "live.py"


@pytest.fixture(scope="module")
def live() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_live", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_options_default_to_the_issue_figures_and_are_bounded(live: ModuleType) -> None:
    args = live.parse_args([])
    assert (args.items, args.members, args.interval) == (10, 70, 0.5)
    assert live.parse_args(["--items", "2", "--members", "8"]).members == 8
    for wrong in (["--members", "100000"], ["--items", "0"], ["--interval", "0"]):
        with pytest.raises(SystemExit):
            live.parse_args(wrong)


def test_it_works_in_a_database_of_its_own(live: ModuleType) -> None:
    url, name = live.bench_url("postgresql://postgres@127.0.0.1:5432/pma")
    assert name == "pma_live_bench"
    assert url == "postgresql://postgres@127.0.0.1:5432/pma_live_bench"


def test_the_entity_tag_gives_the_version(live: ModuleType) -> None:
    assert live.version_of('"elu-3-12-147"') == 147
    assert live.version_of("") == -1


@pytest.mark.django_db
def test_the_prepared_session_has_every_voice_and_stamps_its_versions(live: ModuleType) -> None:
    prepared = live.prepare(members=8, items=2)
    session = Session.objects.get(pk=prepared.session_pk)
    assert session.electronic_vote
    assert len(prepared.elus) == 8
    assert len(prepared.items) == 2
    # Two absents gave a pouvoir: every seat still has a voice, cast by someone connected.
    item = AgendaItem.objects.get(pk=prepared.items[0])
    voices = item_voices(item)
    assert prepared.voices == len(voices.all) == 8
    assert len(voices.proxies) == 2
    assert not Vote.objects.filter(item__session=session).exists()
    # The benchmark's trigger stamps each version of the session when it is written.
    SessionScreen.objects.filter(session=session).update(version=41)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM bench_version WHERE version = 41")
        assert cursor.fetchone() == (41,)
