"""Odd days labelled right: the Hong Kong holiday edition (Tuesday 2026-04-07), a weekend, a
crypto-only day, and an ordinary weekday that needs no note."""

from __future__ import annotations

from services.models.analysis import Verdict
from services.models.report import Paragraph, Table
from services.renderers import markdown
from tests.support.odd_days import HOLIDAY_SESSIONS, crash_day, crypto_only, hk_holiday
from tests.support.snapshots import analysis_of, report_of, sample_dict

HOLIDAY = report_of(hk_holiday())
TEXT = markdown.render(HOLIDAY)


def _rows(key: str) -> dict[str, tuple[str, ...]]:
    table = next(b for b in HOLIDAY.section(key).blocks if isinstance(b, Table))
    return {row[0]: row for row in table.rows}


def test_a_shares_reopening_after_qingming_are_not_closed() -> None:
    a = HOLIDAY.analysis
    day = a.trading_days["CN"]
    assert day.reopens_today and not day.closed_today and day.next_session == day.today
    assert _rows("risk_sentiment")["CN SSE"][3] == "trades today - last session 2026-04-03"
    assert all(not row[3].startswith("closed") for row in _rows("a_shares").values())
    session = next(b for b in HOLIDAY.section("a_shares").blocks
                   if isinstance(b, Paragraph) and b.lead == "Session:")
    assert "not closed" in session.text and "trades again today (2026-04-07)" in session.text
    assert "closed: HK HSI; trading again today after a holiday: CN SSE" in TEXT
    assert "CN SSE)" not in TEXT.split("closed: ")[1].split(";")[0]


def test_hong_kong_is_shut_until_wednesday_and_absorbs_the_us_sessions() -> None:
    day = HOLIDAY.analysis.trading_days["HK"]
    assert day.closed_today and day.next_session is not None
    assert day.next_session.isoformat() == "2026-04-08"
    # HK's last close (Thu 2026-04-02) came before that day's US session; the US then traded
    # Monday and trades again tonight before Hong Kong opens on Wednesday
    assert [d.isoformat() for d in day.absorbs] == ["2026-04-02", "2026-04-06", "2026-04-07"]
    assert _rows("risk_sentiment")["HK HSI"][3] == \
        "closed until 2026-04-08 - last session 2026-04-02"
    note = HOLIDAY.analysis.session_note or ""
    assert note.startswith("Hong Kong is shut for a holiday until Wednesday 2026-04-08: its "
                           "next session will absorb three US sessions (2026-04-02, "
                           "2026-04-06, and 2026-04-07).")
    assert "The A-share market reopens today (2026-04-07) after a holiday: not closed" in note
    insight = markdown.render_section(HOLIDAY.section("key_insight"))
    assert note in insight.replace("_", "")


def test_today_s_us_session_does_not_lead_hong_kong_s_wednesday_session() -> None:
    chain = markdown.render_section(HOLIDAY.section("risk_sentiment"))
    assert "sets up the A-shares' next session" in chain
    assert ("Hong Kong's next session (Wednesday 2026-04-08) comes after the US session of "
            "2026-04-07 too.") in chain


def test_the_holiday_sessions_are_the_calendars() -> None:
    """The test day's sessions are exchange_calendars' (checked against the real calendars in
    tests/integration/test_calendars.py); the weekdays missing are the holidays."""
    assert "2026-04-06" not in HOLIDAY_SESSIONS["HK"] and "2026-04-07" not in HOLIDAY_SESSIONS["HK"]
    assert "2026-04-06" not in HOLIDAY_SESSIONS["CN"] and "2026-04-07" in HOLIDAY_SESSIONS["CN"]
    assert "2026-04-03" not in HOLIDAY_SESSIONS["US"]


def test_an_ordinary_weekday_with_calendars_gets_no_holiday_note() -> None:
    data = crash_day()  # Tuesday 2026-03-24, every market traded on Monday
    week = ["2026-03-19", "2026-03-20", "2026-03-23", "2026-03-24", "2026-03-25"]
    data["calendars"] = [{"market": m, "sessions": week} for m in ("US", "HK", "CN")]
    a = analysis_of(data)
    assert a.session_note is None
    assert not any(d.closed_today or d.reopens_today for d in a.trading_days.values())


def test_without_calendars_nothing_is_claimed_about_holidays() -> None:
    data = hk_holiday()
    del data["calendars"]
    a = analysis_of(data)
    assert a.trading_days == {} and a.session_note is None
    assert "closed - last session 2026-04-03" in markdown.render(report_of(data))


def test_the_weekend_note_is_said_once() -> None:
    text = markdown.render(report_of(sample_dict()))
    assert text.count("Weekend edition") == 1
    assert "Weekend edition" in markdown.render_section(report_of(sample_dict()).section(
        "key_insight"))


def test_crypto_only_gives_no_equity_verdict() -> None:
    a = analysis_of(crypto_only())
    assert a.sentiment.verdict is Verdict.UNKNOWN
    assert not a.risks or all(r.key not in ("broad_risk_off", "hk_fails_us_lead")
                              for r in a.risks)


def test_the_holiday_note_in_a_chinese_report_is_chinese() -> None:
    from services.report.pipeline import report_from_snapshot
    from tests.support.snapshots import HK, snapshot_of

    zh = report_from_snapshot(snapshot_of(hk_holiday()), HK, language="zh")
    notes = [b.text for b in zh.section("key_insight").blocks
             if isinstance(b, Paragraph) and b.note]
    assert notes[0].startswith("港股因假期休市，至2026-04-08（星期三）恢复交易："
                               "复市首个交易日将消化3个美股交易日"
                               "（2026-04-02、2026-04-06和2026-04-07）。")
    assert "A股市场假期后于今日（2026-04-07）复市" in notes[0]
