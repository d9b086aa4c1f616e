"""Section buttons: the press is answered, the section is edited in place or sent."""

from __future__ import annotations

from handlers.debounce import DEBOUNCE_S, Debounce
from tests.handlers.telegram.conftest import Bot


async def test_button_edits_the_browser_message_in_place(bot: Bot) -> None:
    [menu] = await bot.send("/start")
    [edit] = await bot.press("s:us", message_id=menu.message_id)
    assert edit.method == "editMessageText" and edit.message_id == menu.message_id
    assert edit.text.startswith("4. US") and edit.parse_mode == "HTML"
    assert [b["text"] for b in edit.buttons if b["text"].startswith("▸")] == ["▸ US"]
    assert len(bot.fake.callback_answers) == 1


async def test_pressing_the_section_already_shown_changes_nothing(bot: Bot) -> None:
    now = [0.0]
    bot.deps.presses = Debounce(clock=lambda: now[0])
    [menu] = await bot.send("/start")
    await bot.press("s:hk", message_id=menu.message_id)
    now[0] += DEBOUNCE_S + 1  # not a double tap: pressed again later
    assert await bot.press("s:hk", message_id=menu.message_id) == []
    assert len(bot.fake.callback_answers) == 2
    assert bot.fake.failures[-1].description.startswith("Bad Request: message is not modified")


async def test_button_under_the_dashboard_sends_a_new_message(bot: Bot) -> None:
    [photo] = await bot.send("/report")
    sent = await bot.press("s:crypto_defi", message_id=photo.message_id, photo=True)
    assert [s.method for s in sent] == ["sendMessage"] * len(sent)
    assert sent[0].text.startswith("3. CRYPTO AND DEFI")


async def test_full_report_button(bot: Bot) -> None:
    [menu] = await bot.send("/start")
    sent = await bot.press("full", message_id=menu.message_id)
    assert len(sent) >= 2 and sent[0].text.startswith("Market Intelligence Report")
    assert sent[-1].buttons and not sent[0].buttons


async def test_a_stale_button_gets_an_alert_listing_sections(bot: Bot) -> None:
    [menu] = await bot.send("/start")
    assert await bot.press("s:weather", message_id=menu.message_id) == []
    [answer] = bot.fake.callback_answers
    assert answer["show_alert"] == "true" and "unknown section 'weather'" in answer["text"]


async def test_buttons_we_do_not_know_are_acknowledged(bot: Bot) -> None:
    assert await bot.press("something-else") == []
    [answer] = bot.fake.callback_answers
    assert answer["text"] == "This button is no longer in use. Send /report for a fresh menu."


async def test_the_push_button_under_a_photo_sends_the_full_report(bot: Bot) -> None:
    from handlers.telegram.keyboards import full_report

    [[button]] = full_report().inline_keyboard
    sent = await bot.press(str(button.callback_data), photo=True)
    assert sent[0].text.startswith("Market Intelligence Report") and len(sent) >= 2
    assert all(s.method == "sendMessage" for s in sent)
