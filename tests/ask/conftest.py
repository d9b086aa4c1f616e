"""The sample day's edition, and ``/ask`` services with Claude over the scripted Messages API
(the real anthropic SDK on ``httpx2.MockTransport``) or without Claude."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import Settings
from bot.container import ask_limits, make_ask_model
from services.ask.service import AskService
from services.narration.facts import FactSheet, build_facts
from services.report.editions import Edition, edition_id
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import load_sample
from services.storage import Database, open_database
from services.storage.usage import UsageStore
from tests.narration.conftest import ZONE
from tests.narration.messages_api import FakeMessagesAPI, Reply

KEY = "sk-ant-api03-ask-test-0123456789abcdef"
NOW = datetime(2026, 3, 21, 1, 0, tzinfo=UTC)


def sample_edition() -> Edition:
    snapshot = load_sample()
    return Edition(edition_id(snapshot), report_from_snapshot(snapshot, ZONE), snapshot, NOW)


@pytest.fixture(scope="session")
def edition() -> Edition:
    return sample_edition()


@pytest.fixture(scope="session")
def sheet(edition: Edition) -> FactSheet:
    return build_facts(edition.report.analysis)


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"anthropic_api_key": KEY, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def claude_service(api: FakeMessagesAPI, usage: UsageStore | None = None,
                   clock: Callable[[], datetime] = lambda: NOW, **overrides: Any
                   ) -> AskService:
    """``AskService`` with Claude answering through ``api``."""
    config = settings(**overrides)
    model = make_ask_model(config, http_client=api.http_client())
    assert model is not None
    return AskService(model, usage, ask_limits(config), clock=clock)


MakeService = Callable[..., Awaitable[tuple[AskService, FakeMessagesAPI]]]


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = await open_database(sqlite_url)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def make_service(db: Database) -> AsyncIterator[MakeService]:
    """``await make_service(*replies, **settings)``: Claude scripted with ``replies``, its
    usage stored in a fresh SQLite database."""
    made: list[AskService] = []

    async def make(*replies: Reply, **overrides: Any) -> tuple[AskService, FakeMessagesAPI]:
        api = FakeMessagesAPI(*replies)
        service = claude_service(api, UsageStore(db), **overrides)
        made.append(service)
        return service, api

    yield make
    for service in made:
        await service.aclose()
