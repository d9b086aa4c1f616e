"""The fake Bot API enforces Telegram's rules, through PTB's real encoding (form fields,
multipart uploads, ``attach://`` albums), over MockTransport and over a loopback socket."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter
from telegram.request import HTTPXRequest

from tests.fakes.charts import png
from tests.fakes.telegram_api import TOKEN, FakeBotApi, RateLimits
from tests.fakes.telegram_html import EntityError, parse_html
from tests.fakes.telegram_server import serve

PNG = png(64, 48)


@pytest.fixture
def fake() -> FakeBotApi:
    return FakeBotApi(keep_uploads=True)


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    async with Bot(TOKEN, request=request) as client:
        yield client


@pytest.mark.parametrize(("html", "text"), [
    ("<b>S&amp;P</b> &lt;3 &quot;x&quot; &#65;", 'S&P <3 "x" A'),
    ('<a href="https://x.y">link</a> <tg-spoiler>s</tg-spoiler> <code>c</code>', "link s c"),
    ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
    ("<blockquote expandable>q</blockquote><u>u</u><s>s</s><i>i</i><em>e</em>", "qusie"),
])
def test_html_accepted(html: str, text: str) -> None:
    assert parse_html(html).text == text


@pytest.mark.parametrize("html", [
    "S&P", "a < b", "a > b", "<br>", "<br/>", "<div>x</div>", "&nbsp;", "<b>open",
    "<b><i>x</b></i>", "</b>", '<span class="x">y</span>', "<a>no href</a>", "<!-- c -->",
])
def test_html_rejected(html: str) -> None:
    with pytest.raises(EntityError, match=r"(?i)can't parse entities"):
        parse_html(html)


def test_entity_offsets_are_utf16() -> None:
    parsed = parse_html("😀 <b>x</b>")
    assert parsed.entities == ({"type": "bold", "offset": 3, "length": 1},)


async def test_text_limit_is_counted_after_parsing(bot: Bot, fake: FakeBotApi) -> None:
    within = "<b>" + "a" * 4096 + "</b>"  # 4103 characters of HTML, 4096 of text
    await bot.send_message(1, within, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(1, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)empty"):
        await bot.send_message(1, "<b> </b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "S&P 500", parse_mode=ParseMode.HTML)
    assert [len(s.text) for s in fake.sent] == [4096]


async def test_caption_limit_and_photo_upload(bot: Bot, fake: FakeBotApi) -> None:
    message = await bot.send_photo(7, PNG, caption="<i>" + "c" * 1024 + "</i>",
                                   parse_mode=ParseMode.HTML)
    file_id = message.photo[-1].file_id
    assert fake.uploaded[file_id] == PNG and fake.uploads == 1
    await bot.send_photo(8, file_id, caption="again")
    assert fake.uploads == 1 and fake.sent[-1].photo == file_id
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(7, file_id, caption="c" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(7, "no-such-file")
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(7, b"GIF89a not a png")
    with pytest.raises(BadRequest, match=r"(?i)PHOTO_INVALID_DIMENSIONS"):
        await bot.send_photo(7, png(2100, 100))


async def test_media_groups_hold_2_to_10(bot: Bot, fake: FakeBotApi) -> None:
    with pytest.raises(BadRequest, match=r"(?i)2-10"):
        await bot.send_media_group(1, [InputMediaPhoto(PNG)])
    with pytest.raises(BadRequest, match=r"(?i)2-10"):
        await bot.send_media_group(1, [InputMediaPhoto(PNG) for _ in range(11)])
    album = await bot.send_media_group(1, [InputMediaPhoto(PNG, caption="one"),
                                           InputMediaPhoto(png(10, 10))])
    assert len(album) == 2 and fake.uploads == 2
    assert [s.text for s in fake.sent] == ["one", ""]


async def test_callback_data_is_64_bytes_at_most(bot: Bot) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="x" * 64)]])
    await bot.send_message(1, "menu", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1, "menu", reply_markup=too_long)


async def test_blocked_migrated_and_rate_limited_chats(bot: Bot, fake: FakeBotApi) -> None:
    fake.block(5)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(5, "hi")
    fake.migrate(-5, -1005)
    with pytest.raises(ChatMigrated) as moved:
        await bot.send_message(-5, "hi")
    assert moved.value.new_chat_id == -1005
    fake.throttle(6, retry_after=7)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(6, "hi")
    assert "7" in str(limited.value)
    await bot.send_message(6, "hi")  # the forced 429 was used up


async def test_sliding_window_limits() -> None:
    now = [100.0]
    fake = FakeBotApi(limits=RateLimits(global_per_second=3, chat_per_second=1,
                                        group_per_minute=2), clock=lambda: now[0])
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    async with Bot(TOKEN, request=request) as bot:
        await bot.send_message(1, "a")
        with pytest.raises(RetryAfter):
            await bot.send_message(1, "b")  # 1 per second per chat
        await bot.send_message(2, "a")
        await bot.send_message(-3, "a")
        with pytest.raises(RetryAfter):
            await bot.send_message(4, "a")  # 3 per second overall
        now[0] += 0.5
        with pytest.raises(RetryAfter):
            await bot.send_message(-3, "b")  # 1 per second in the group too
        now[0] += 0.6
        await bot.send_message(-3, "b")
        now[0] += 1.0
        with pytest.raises(RetryAfter) as group:
            await bot.send_message(-3, "c")  # 2 per minute per group
        assert 55 <= group.value.retry_after.total_seconds() <= 58  # type: ignore[union-attr]
    assert [f.code for f in fake.failures] == [429] * 4 and fake.flood.rejected == 4


async def test_edits_and_callback_answers(bot: Bot, fake: FakeBotApi) -> None:
    sent = await bot.send_message(1, "one")
    await bot.edit_message_text("two", 1, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("two", 1, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)not found"):
        await bot.edit_message_text("x", 1, 999)
    photo = await bot.send_photo(1, PNG)
    with pytest.raises(BadRequest, match=r"(?i)no text"):
        await bot.edit_message_text("x", 1, photo.message_id)
    await bot.answer_callback_query("q1", text="ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("q1", text="again")


async def test_wrong_token_is_refused(fake: FakeBotApi) -> None:
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    with pytest.raises(InvalidToken):
        await Bot("42:wrong", request=request).initialize()


async def test_the_loopback_server_speaks_the_same_rules(fake: FakeBotApi) -> None:
    with serve(fake) as base_url:
        async with Bot(TOKEN, base_url=base_url) as bot:
            assert bot.username == "market_test_bot"
            message = await bot.send_photo(3, PNG, caption="<b>dash</b>",
                                           parse_mode=ParseMode.HTML)
            assert message.caption == "dash"
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(3, "<p>no</p>", parse_mode=ParseMode.HTML)
            fake.add_update({"message": {"message_id": 1, "date": 0, "text": "hi",
                                         "chat": {"id": 3, "type": "private"}}})
            updates = await bot.get_updates(timeout=1)
            assert [u.message.text for u in updates if u.message] == ["hi"]
            assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert fake.uploads == 1 and fake.calls["getUpdates"] == 2
