"""No token in any log line or reply, with the production logging set-up, even when an
exception's text carries one."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logging import REDACTED, setup_logging
from handlers.telegram.errors import SORRY
from tests.fakes.charts import FakeCharts
from tests.fakes.telegram_api import TOKEN
from tests.handlers.telegram.conftest import MakeBot


@pytest.fixture
def production_logging() -> Iterator[None]:
    """``setup_logging`` as ``python -m bot run`` calls it. Set up before the test body, so
    its redacting handler sees each record before pytest's capture handler does."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("httpx").level)
    setup_logging("DEBUG", (TOKEN,))
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    logging.getLogger("httpx").setLevel(saved[2])


async def test_no_token_in_logs_or_replies(production_logging: None, make_bot: MakeBot,
                                           caplog: pytest.LogCaptureFixture) -> None:
    leak = RuntimeError(f"renderer crashed calling https://api.telegram.org/bot{TOKEN}/x")
    bot = await make_bot(charts=FakeCharts(fail_with=leak))
    caplog.set_level(logging.DEBUG)
    [insight] = await bot.send("/report")  # the dashboard fails: the insight goes as text
    assert insight.method == "sendMessage" and insight.text.startswith("1. KEY INSIGHT")
    [sorry] = await bot.send("/chart flows")
    assert sorry.text == SORRY
    await bot.send("/subscribe 25:99 Mars/Phobos")
    bot.fake.block(1001)
    await bot.send("/report full")
    assert "Traceback" in caplog.text and REDACTED in caplog.text
    assert "RuntimeError" in caplog.text and "/chart flows" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text
    for sent in bot.fake.sent:
        assert TOKEN not in sent.raw and "Traceback" not in sent.text
