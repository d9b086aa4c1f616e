"""A market whose last session is older is labelled and never read against today's lead."""

from services.models.analysis import LinkState, Timing, Verdict
from tests.support.snapshots import analysis_of, quote, report_of, sample_dict


def hk_holiday() -> dict:
    data = sample_dict()
    for q in data["quotes"]:
        if q["market"] in ("US", "CN"):
            q["session"] = "2026-03-23"
    for q in data["quotes"]:
        if q["market"] == "HK":
            q["session"] = "2026-03-20"  # HK closed on the 23rd
    data["a_share_breadth"]["session"] = "2026-03-23"
    data["generated_at"] = "2026-03-24T00:30:00+00:00"
    return data


def test_closed_market_is_not_compared() -> None:
    a = analysis_of(hk_holiday())
    links = {link.key: link for link in a.sentiment.links}
    assert links["us_hk"].state is LinkState.NOT_COMPARABLE
    assert "closed - last session 2026-03-20" in links["us_hk"].note
    assert links["hk_cn"].state is LinkState.NOT_COMPARABLE  # HK's old move leads nothing
    assert a.sentiment.closed_markets == ("HK",)
    assert all(d.key not in ("us_hk", "btc_hk", "hstech_hsi") for d in a.divergences)
    # HK drops out of the verdict; US and BTC up, A-shares down: still fragmented
    assert a.sentiment.verdict is Verdict.FRAGMENTED
    assert "HK" not in a.sentiment.verdict_reason


def test_closed_market_is_labelled_in_the_report() -> None:
    text = report_of(hk_holiday()).section("hk")
    rendered = str(text.blocks)
    assert "closed - last session 2026-03-20" in rendered


def test_next_session_reaction_is_a_real_follow() -> None:
    data = sample_dict()
    for q in data["quotes"]:
        if q["market"] in ("HK", "CN"):
            q["session"] = "2026-03-23"
    data["a_share_breadth"]["session"] = "2026-03-23"
    us_friday = analysis_of(data)
    link = next(link for link in us_friday.sentiment.links if link.key == "us_hk")
    # US 2026-03-20 is older than HK's 23rd, and it is the leader: the last US session closed
    # before HK's Monday opened. HK reacted to it.
    assert link.timing is Timing.NEXT_SESSION
    assert us_friday.us.closed  # the US headline is labelled with its older session
    assert link.leader is not None and link.leader.session.isoformat() == "2026-03-20"
    assert link.state is LinkState.BROKEN  # S&P 500 +0.59 %, HSI -0.88 %


def test_stale_quote_is_excluded() -> None:
    data = sample_dict()
    quote(data, "HSI")["stale"] = True
    a = analysis_of(data)
    row = next(r for r in a.sentiment.rows if r.market == "HK")
    assert row.signal.startswith("stale")


def test_weekend_edition_says_stock_markets_are_closed() -> None:
    data = sample_dict()
    data["generated_at"] = "2026-03-22T00:30:00+00:00"  # Sunday 08:30 in Hong Kong
    a = analysis_of(data)
    assert a.session_note is not None
    assert a.session_note.startswith("Weekend edition: stock markets are closed")
    assert "US 2026-03-20, HK 2026-03-20, CN 2026-03-20" in a.session_note
    insight = report_of(data).section("key_insight")
    assert any(getattr(b, "text", "") == a.session_note for b in insight.blocks)


def test_weekday_edition_has_no_weekend_note() -> None:
    data = sample_dict()
    data["generated_at"] = "2026-03-20T12:00:00+00:00"  # Friday 20:00 in Hong Kong
    assert analysis_of(data).session_note is None


def test_the_sample_day_is_a_saturday_edition() -> None:
    note = analysis_of(sample_dict()).session_note
    assert note is not None and "last sessions: US 2026-03-20" in note


def test_missing_inputs_are_grouped_by_source() -> None:
    from services.analysis.coverage import grouped

    failed = [f"yahoo chart: {i} (^X{i}): connection failed" for i in range(18)]
    warnings = (*failed, "coingecko global: HTTP 503",
                "northbound: not published since 2024-08-19")
    assert grouped(warnings) == (
        "yahoo chart: 18 problems, e.g. 0 (^X0): connection failed",
        "coingecko global: HTTP 503", "northbound: not published since 2024-08-19")
    many = tuple(f"source{i}: down" for i in range(9))
    assert grouped(many)[-1] == "and 4 more sources (see /status)"
    assert len(grouped(many)) == 6
