"""The translator and the languages a user may name; errors said in the reader's language."""

from __future__ import annotations

import pytest

from services.ask.limits import RateLimit
from services.delivery.schedule import parse_schedule
from services.errors import (
    InputError,
    ScheduleInputError,
    TooManyQuestions,
    TooSoon,
    UnknownSectionError,
)
from services.i18n import (
    UnknownLanguageError,
    language_or_default,
    normalise,
    parse_language,
    translator,
)
from services.i18n.errors import duration, user_message
from services.models.report import resolve_section


@pytest.mark.parametrize(("tag", "language"), [
    ("zh", "zh"), ("ZH", "zh"), ("zh-CN", "zh"), ("zh_Hans", "zh"), ("zh-hans-cn", "zh"),
    ("中文", "zh"), ("Chinese", "zh"), ("cn", "zh"), ("en", "en"), ("en-GB", "en"),
    ("English", "en"), ("zh-TW", None), ("zh-Hant", None), ("fr", None), ("", None),
    (None, None)])
def test_languages_by_any_name(tag: str | None, language: str | None) -> None:
    assert normalise(tag) == language


def test_an_unknown_language_is_one_line() -> None:
    with pytest.raises(UnknownLanguageError) as caught:
        parse_language("klingon")
    assert str(caught.value) == "'klingon' is not a language this bot speaks; use one of: en, zh."
    assert user_message(caught.value, translator("zh")) == str(caught.value)  # no template
    assert language_or_default("fr", "zh") == "zh"


def test_translators_are_separate_values() -> None:
    en, zh = translator("en"), translator("zh")
    assert translator("zh-CN") is zh and translator("xx") is en and translator(None) is en
    assert en.gettext("Full report") == "Full report" and zh.gettext("Full report") == "完整报告"
    assert zh.gettext("As of {time}", time="2026-03-21") == "数据截至 2026-03-21"
    assert zh.gettext("not in any catalog") == "not in any catalog"
    assert zh.join(["a", "b", "c"]) == "a、b、c" and en.join(["a", "b"]) == "a, b"
    assert zh.count(2011) == en.count(2011) == "2,011"


def said(err: Exception, language: str) -> str:
    return user_message(err, translator(language))


def test_errors_in_the_readers_language() -> None:
    with pytest.raises(UnknownSectionError) as section:
        resolve_section("moon")
    assert said(section.value, "en") == str(section.value)
    assert said(section.value, "zh").startswith("未知章节“moon”。可用章节：insight、sentiment、")

    too_soon = TooSoon("A refresh", 200)
    assert str(too_soon) == "A refresh was done a moment ago; try again in 3 min 20 s."
    assert said(too_soon, "zh") == "刷新刚刚执行过，请在3分20秒后重试。"

    limit = RateLimit(1, 600.0)
    limit.hit("u")
    with pytest.raises(TooManyQuestions) as many:
        limit.hit("u")
    assert str(many.value).startswith("You can ask 1 question every 10 min; you can ask again")
    assert said(many.value, "zh").startswith("每 10分钟 最多可提问 1 次；请在 ")

    with pytest.raises(ScheduleInputError) as schedule:
        parse_schedule(["25:99", "Mars/Phobos"], "08:30", "Asia/Hong_Kong")
    assert str(schedule.value) == (
        "'25:99' is not a time of day as HH:MM (00:00 to 23:59); 'Mars/Phobos' is not an "
        "accepted time zone: use an Area/City zone such as Europe/London, America/New_York or "
        "Asia/Hong_Kong, or UTC. Example: /subscribe 08:30 Asia/Hong_Kong")
    assert said(schedule.value, "zh") == (
        "“25:99”不是 HH:MM 格式的时间（00:00 至 23:59）；“Mars/Phobos”不是可接受的时区：请使用"
        "地区/城市格式的时区（如 Europe/London、America/New_York、Asia/Hong_Kong）或 UTC。"
        "例如：/subscribe 08:30 Asia/Hong_Kong")

    constant = InputError("Charts are not available on this bot.")
    assert said(constant, "zh") == "本机器人未提供图表。"


@pytest.mark.parametrize(("seconds", "en", "zh"), [
    (0.2, "1 s", "1秒"), (59, "59 s", "59秒"), (60, "1 min", "1分钟"),
    (200, "3 min 20 s", "3分20秒")])
def test_durations(seconds: float, en: str, zh: str) -> None:
    assert duration(seconds, translator("en")) == en
    assert duration(seconds, translator("zh")) == zh
