"""``/lang`` over the fake Bot API: a chat that chooses Chinese gets Chinese replies, caption,
buttons, sections and errors; the chat next to it stays in English; the choice is stored; the
command menu is published in both languages."""

from __future__ import annotations

import asyncio
import json

from handlers.debounce import Debounce
from handlers.telegram.menu import COMMANDS, publish
from services.i18n import translator
from services.snapshot_io import dump_snapshot, load_sample, validate_snapshot
from services.storage.languages import LanguageStore
from tests.handlers.telegram.conftest import Bot, MakeBot

ZH_CHAT, EN_CHAT = 1001, 1002
ZH_LABELS = ["观点", "情绪", "加密", "美股", "港股", "A股", "背离", "资金", "风险", "计划",
             "完整报告"]
EN_LABELS = ["Insight", "Sentiment", "Crypto", "US", "HK", "A-shares", "Divergences", "Flows",
             "Risks", "Plan", "Full report"]


async def test_lang_zh_then_report_gives_the_chinese_caption_and_buttons(bot: Bot) -> None:
    [confirmed] = await bot.send("/lang zh", chat_id=ZH_CHAT)
    assert confirmed.text == "本聊天已切换为中文：回复、按钮、报告与每日推送都将使用中文。"
    [photo] = await bot.send("/report", chat_id=ZH_CHAT)
    assert photo.method == "sendPhoto"
    assert photo.raw.startswith("<b>市场情报报告 - 2026-03-21</b>\n")
    assert [b["text"] for b in photo.buttons] == ZH_LABELS
    assert photo.buttons[-1]["callback_data"] == "full"  # the data stays the same

    [english] = await bot.send("/report", chat_id=EN_CHAT)  # the next chat: still English
    assert english.raw.startswith("<b>Market Intelligence Report - 2026-03-21</b>\n")
    assert [b["text"] for b in english.buttons] == EN_LABELS
    assert bot.deps.editions.builds == 1  # one edition, read in two languages
    assert bot.charts is not None and bot.charts.calls.count("dashboard") == 2  # one per language


async def test_a_chinese_chat_reads_sections_status_and_errors_in_chinese(bot: Bot) -> None:
    await bot.send("/lang 中文", chat_id=ZH_CHAT)
    sections = await bot.send("/hk", chat_id=ZH_CHAT)
    assert sections[0].raw.startswith("<b>5. 港股</b>")
    # wider than a phone's 34 columns: a list, its legend and labels in Chinese punctuation
    assert "<i>指数：收盘 · 涨跌幅 · 信号</i>\n• <b>HSI：</b> 25,277.32 · -0.88%" in sections[0].raw
    assert [b["text"] for b in sections[-1].buttons][4] == "▸ 港股"

    pressed = await bot.press("s:risk_matrix", chat_id=ZH_CHAT)
    assert "9. 风险矩阵" in pressed[-1].text

    [status] = await bot.send("/status", chat_id=ZH_CHAT)
    lines = [line for line in status.text.splitlines() if line]
    assert lines[0] == "当前报告"  # no internal edition id
    assert lines[1].startswith("数据截至 2026-03-21 00:30 UTC；生成于 ")  # built: the clock
    assert lines[1].endswith(" UTC。")
    assert "数据来源（截至时间）" in lines and "缺失" in lines and "此处的下次推送" in lines
    assert "• 本聊天尚未订阅。/subscribe [HH:MM] [地区/城市] 开始订阅。" in lines
    assert lines[-2:] == ["语言", "• 语言：中文。用 /lang en|zh 更改。"]

    [unknown] = await bot.send("/report moon", chat_id=ZH_CHAT)
    assert unknown.text.startswith("未知章节“moon”。可用章节：insight、sentiment、")
    [bad] = await bot.send("/subscribe 25:99 Mars/Phobos", chat_id=ZH_CHAT)
    assert bad.text == ("“25:99”不是 HH:MM 格式的时间（00:00 至 23:59）；“Mars/Phobos”不是可接受的"
                        "时区：请使用地区/城市格式的时区（如 Europe/London、America/New_York、"
                        "Asia/Hong_Kong）或 UTC。例如：/subscribe 08:30 Asia/Hong_Kong")
    [sub] = await bot.send("/subscribe 07:15 Asia/Shanghai", chat_id=ZH_CHAT)
    assert sub.text == ("已订阅：每日报告将于 07:15（Asia/Shanghai）送达，首次为 "
                        "2026-03-22 07:15 CST。/unsubscribe 可停止。")
    [settings] = await bot.send("/settings", chat_id=ZH_CHAT)
    assert [line for line in settings.text.splitlines() if line][:3] == [
        "本聊天的设置", "每日 07:15（Asia/Shanghai）推送；下次推送 2026-03-22 07:15 CST。",
        "语言：中文。用 /lang en|zh 更改。"]
    [refresh] = await bot.send("/report refresh", chat_id=ZH_CHAT)
    [again] = await bot.send("/report refresh", chat_id=ZH_CHAT)
    assert again.text.startswith("刷新刚刚执行过，请在") and again.text.endswith("后重试。")
    assert refresh.method == "sendPhoto"


async def test_the_choice_is_stored_and_back_to_english(make_bot: MakeBot,
                                                       sqlite_url: str) -> None:
    first = await make_bot()
    await first.send("/lang zh", chat_id=ZH_CHAT)
    assert first.container.languages is not None
    assert await LanguageStore(first.container.db).chosen("telegram", str(ZH_CHAT)) == "zh"
    await first.container.close()  # a restart: a new process reads the stored choice
    second = await make_bot(database_url=sqlite_url)
    [help_text] = await second.send("/help", chat_id=ZH_CHAT)
    assert help_text.text.startswith("命令\n\n/report — 核心观点与仪表盘")
    [english] = await second.send("/lang en", chat_id=ZH_CHAT)
    assert english.text == ("This chat now reads the bot in English: replies, buttons, reports "
                            "and the daily edition.")
    [choices] = await second.send("/lang", chat_id=ZH_CHAT)
    assert choices.text == ("Language: English. /lang en|zh changes it.\n"
                            "• /lang en — English\n• /lang zh — 中文")
    [bad] = await second.send("/lang klingon", chat_id=ZH_CHAT)
    assert bad.text == "'klingon' is not a language this bot speaks; use one of: en, zh."


async def test_in_a_group_only_administrators_change_the_language(bot: Bot) -> None:
    group = -100777
    bot.fake.members[(group, 3)] = "member"
    [refused] = await bot.send("/lang zh", chat_id=group, user_id=3, kind="supergroup")
    assert refused.text == "Only this group's administrators can change its language."
    bot.fake.members[(group, 4)] = "administrator"
    [done] = await bot.send("/lang zh", chat_id=group, user_id=4, kind="supergroup")
    assert done.text.startswith("本聊天已切换为中文")


async def test_the_default_language_setting(make_bot: MakeBot) -> None:
    bot = await make_bot(language="zh")
    [welcome] = await bot.send("/start", chat_id=EN_CHAT)
    assert welcome.text.startswith("市场情报\n\n每日简报：")
    await bot.send("/lang en", chat_id=EN_CHAT)
    [welcome] = await bot.send("/start", chat_id=EN_CHAT)
    assert welcome.text.startswith("Market Intelligence\n")


async def test_the_command_menu_is_published_in_each_language(bot: Bot) -> None:
    await publish(bot.app.bot, "en")
    english = {c["command"]: c["description"] for c in bot.fake.commands}
    chinese = {c["command"]: c["description"]
               for c in bot.fake.commands_by_language["zh"]}
    assert set(english) == set(chinese) == {name for name, _ in COMMANDS}
    assert english["lang"] == "Language of this chat: /lang en or /lang zh"
    assert chinese["report"] == "核心观点与仪表盘；/report full 查看全部章节"
    assert chinese["lang"] == "本聊天的语言：/lang en 或 /lang zh"
    assert bot.fake.commands_by_language["en"] == bot.fake.commands
    tr = translator("zh")
    assert all(chinese[name] == tr.gettext(description) for name, description in COMMANDS)


async def test_a_migrating_group_keeps_its_language(bot: Bot) -> None:
    old, new = -100, -1001000
    bot.fake.set_member(old, 5, "administrator")
    [done] = await bot.send("/lang zh", chat_id=old, user_id=5, kind="group")
    assert done.text.startswith("本聊天已切换为中文")
    bot.fake.migrate(old, new)
    sent = await bot.send("/help", chat_id=old, kind="group")
    assert [s.chat_id for s in sent] == [new]  # answered at the new id ...
    assert sent[0].text.startswith("命令")  # ... in the group's language
    assert bot.container.languages is not None
    assert await bot.container.languages.chosen("telegram", str(new)) == "zh"


async def test_refusals_of_hostile_input_are_in_the_chats_language(bot: Bot) -> None:
    await bot.send("/lang zh", chat_id=ZH_CHAT)
    [long] = await bot.send(f"/report {'x' * 4000}", chat_id=ZH_CHAT)
    assert long.text == "这条命令有 4,008 个字符，命令最多 200 个字符。/help 列出全部命令。"
    [quoted] = await bot.send(f"/report {'moon' * 40}", chat_id=ZH_CHAT)
    assert quoted.text.startswith("未知章节“moonmoonmoonmoonmoonmoonmoonmoo…”。可用章节：")
    [english] = await bot.send(f"/report {'x' * 4000}", chat_id=EN_CHAT)
    assert english.text.startswith("That command is 4,008 characters long;")

    now = [0.0]
    bot.deps.presses = Debounce(clock=lambda: now[0])
    [menu] = await bot.send("/start", chat_id=ZH_CHAT)
    await asyncio.gather(bot.press("full", chat_id=ZH_CHAT, message_id=menu.message_id),
                         bot.press("full", chat_id=ZH_CHAT, message_id=menu.message_id))
    assert "已在发送中。" in [a.get("text") for a in bot.fake.callback_answers]
    assert await bot.press("something-else", chat_id=ZH_CHAT) == []
    assert bot.fake.callback_answers[-1]["text"] == "此按钮已停用。请发送 /report 获取新菜单。"


async def test_status_lists_each_source_of_the_last_build_in_chinese(make_bot: MakeBot) -> None:
    data = json.loads(dump_snapshot(load_sample()))
    data["sources"] = [
        {"name": "yahoo chart", "as_of": data["generated_at"], "ok": True, "requests": 17,
         "latency_s": 0.31},
        {"name": "coingecko", "ok": False, "reason": "HTTP 429", "requests": 1,
         "fallback": "yahoo covers BTC, ETH"},
        *({"name": f"source {i}", "ok": True} for i in range(10))]
    bot = await make_bot(snapshot=validate_snapshot(data))
    await bot.send("/lang zh", chat_id=ZH_CHAT)
    [status] = await bot.send("/status", chat_id=ZH_CHAT)
    assert ("数据来源（最近一次生成）\n"
            "• yahoo chart · 正常 · 17 次请求 · 0.31秒 · 截至 2026-03-21 00:30 UTC\n"
            "• coingecko · 失败 · 1 次请求 · yahoo covers BTC, ETH\n"  # the data layer's words
            "• source 0 · 正常 · 截至时间暂无\n") in status.text
    assert "• 另有 5 项\n" in status.text  # 12 sources: 7 listed, then a count of the rest
