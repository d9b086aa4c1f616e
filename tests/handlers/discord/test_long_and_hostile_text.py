"""A long report splits into more embeds and messages within Discord's limits, losing and
reordering nothing; upstream text such as ``@everyone`` never pings."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from handlers.discord import EditionPoster, MarketBot
from services.models.analysis import Analysis
from services.models.report import Narration
from services.narration.template import TemplateNarrator
from services.storage import Database
from services.storage.subscriptions import SubscriptionStore
from tests.fakes import discord_interactions as di
from tests.fakes.charts import FakeCharts
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import TOKEN, interact, make_deps
from tests.handlers.discord.helpers import assert_clean, assert_within_limits, sizes, texts

WORDS = 4000  # about 36,000 characters of commentary: several embeds over several messages
PINGS = ("@everyone", "@here", "<@123456789012345678>", "<@&223456789012345678>")


def commentary() -> str:
    """Numbered words, so order and completeness can be checked; pings sprinkled in."""
    words = [f"w{i:04d}" for i in range(WORDS)]
    for i, ping in enumerate(PINGS):
        words[500 + 900 * i] += f" {ping}"
    return " ".join(words)


@dataclass
class LongNarrator:
    """A narrator (like a language model could be) that writes far too much."""

    name: str = "long"

    async def narrate(self, analysis: Analysis) -> Narration:
        base = TemplateNarrator().compose(analysis)
        return Narration(key_insight=f"@everyone {base.key_insight} " + commentary(),
                         commentary={"divergences": commentary()}, narrator="long")


@pytest.fixture
async def long_bot(fake: FakeDiscordAPI, db: Database) -> AsyncIterator[MarketBot]:
    client = MarketBot(make_deps(SubscriptionStore(db), FakeCharts(), narrator=LongNarrator()))
    await client.login(TOKEN)
    try:
        yield client
    finally:
        await client.close()


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u200b", "")


async def test_long_section_splits_within_limits_in_order(long_bot: MarketBot,
                                                          fake: FakeDiscordAPI) -> None:
    posted = await interact(long_bot, fake, di.command("section", {"name": "divergences"}))

    assert len(posted) >= 5, sizes(posted)
    assert_within_limits(posted)
    for message in posted:
        assert sum(sizes([message])[0]) <= 6000
        assert len(message.embeds) <= 10
    titles = [e["title"] for m in posted for e in m.embeds]
    assert titles[0] == "7. Cross-market divergences"
    assert set(titles[1:]) == {"7. Cross-market divergences (cont.)"}
    body = unescape(" ".join(e["description"] for m in posted for e in m.embeds))
    found = [int(w[1:]) for w in re.findall(r"\bw\d{4}\b", body)]
    assert found == list(range(WORDS)), "every word once, in order"
    assert "ChiNext vs SSE" in body, "the section's own content follows the commentary"
    assert "As of 2026-03-21" in posted[-1].embeds[-1]["footer"]["text"]
    assert_clean(fake)


async def test_no_text_can_ping(long_bot: MarketBot, fake: FakeDiscordAPI) -> None:
    await interact(long_bot, fake, di.command("report"))
    await interact(long_bot, fake, di.command("section", {"name": "divergences"}))
    await interact(long_bot, fake, di.command("section", {"name": "key_insight"}))
    poster = EditionPoster(long_bot, long_bot.deps.charts)
    await poster.send_edition(di.CHANNEL_ID, await long_bot.deps.editions.current())

    assert_clean(fake)  # allowed_mentions == {"parse": []} on every message payload
    seen = "\n".join(texts(fake.posted))
    for ping in PINGS:
        assert ping not in seen
    assert "@\u200beveryone" in seen and "<@\u200b123456789012345678" in seen


async def test_long_key_insight_stays_one_embed(long_bot: MarketBot,
                                                fake: FakeDiscordAPI) -> None:
    posted = await interact(long_bot, fake, di.command("report"))
    assert len(posted) == 1 and len(posted[0].embeds) == 1
    assert len(posted[0].embeds[0]["description"]) <= 4096
    assert sum(sizes(posted)[0]) <= 6000
    assert posted[0].filenames == ["dashboard.png"]
