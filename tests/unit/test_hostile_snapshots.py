"""Upstream data made safe at the boundary: strings cleaned and clipped, the reader bounded,
dates in range, and quotes outside their sane bounds left out with a named warning."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.errors import SnapshotError
from services.models import plausibility
from services.models.clean import NAME_CHARS, REASON_CHARS, clean, clip
from services.models.snapshot import MarketSnapshot, Quote
from services.renderers import discord_embeds, json_out, markdown, telegram_messages
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import MAX_BYTES, MAX_DEPTH, dump_snapshot, load_snapshot, read_json
from tests.support.hostile import ACCEPTED, CASES, REFUSED, UNSAFE
from tests.support.snapshots import HK, quote, report_of, sample_dict


def problems(raw: str) -> tuple[str, ...]:
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(raw)
    return caught.value.problems


@pytest.mark.parametrize(("raw", "expected"), [
    ("S&P 500", "S&P 500"),
    ("Din\ud800ari", "Dinari"),
    ("a\x00b\x1bc\x7fd\x85e", "abcde"),
    ("right\u202eto\u2066left\u2069", "righttoleft"),
    ("two\nlines\r\n\tand  tabs", "two lines and tabs"),
    ("上证指数 SSE", "上证指数 SSE"),
    ("  padded  ", "padded"),
])
def test_clean_removes_unsafe_characters_and_keeps_one_line(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_clip_ends_with_an_ellipsis_within_the_limit() -> None:
    assert clip("x" * 64, 64) == "x" * 64
    clipped = clip("x" * 65, 64)
    assert len(clipped) == 64 and clipped.endswith("…")


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: c.key)
def test_accepted_cases_load_clean_and_round_trip(case) -> None:  # type: ignore[no-untyped-def]
    snapshot = load_snapshot(case.raw)
    dumped = dump_snapshot(snapshot)
    dumped.encode("utf-8")  # strict: a lone surrogate would raise here
    assert not any(bad in dumped for bad in UNSAFE)
    assert load_snapshot(dumped) == snapshot  # cleaning is idempotent


def test_every_string_field_is_cleaned() -> None:
    snapshot = load_snapshot(CASES["surrogate_everywhere"].raw)
    spx = snapshot.quote("SPX")
    assert spx is not None and spx.name == "S&P 500" and spx.source == "refrence"
    assert snapshot.protocols[0].name == "Dinari" and snapshot.protocols[0].category == "RWA"
    assert snapshot.dexes[0].name == "Uniswap" and snapshot.stablecoins[0].symbol == "USDT"
    assert snapshot.warnings[0].source == "x" and snapshot.warnings[0].reason == "bad day"


@pytest.mark.parametrize("key", ["name_2k", "name_3k", "name_100k"])
def test_long_names_are_clipped_with_an_ellipsis(key: str) -> None:
    name = load_snapshot(CASES[key].raw).protocols[0].name
    assert len(name) == NAME_CHARS and name == "A" * (NAME_CHARS - 1) + "…"


def test_reasons_are_clipped_longer_than_names() -> None:
    data = sample_dict()
    data["warnings"] = [{"source": "s" * 100, "reason": "r" * 1000, "figures": ["f" * 100]}]
    warning = load_snapshot(json.dumps(data)).warnings[0]
    assert len(warning.source) == NAME_CHARS and len(warning.reason) == REASON_CHARS
    assert warning.figures == ("f" * (NAME_CHARS - 1) + "…",)


def test_an_id_that_cleans_to_nothing_is_refused() -> None:
    data = sample_dict()
    quote(data, "SPX")["id"] = "\x00\ud800 "
    assert problems(json.dumps(data)) == ("quotes[0].id: an id needs at least one visible "
                                          "character",)


def test_ids_equal_once_cleaned_are_duplicates() -> None:
    data = sample_dict()
    quote(data, "DJI")["id"] = "SPX\x00"
    assert problems(json.dumps(data)) == ("quotes: duplicate quote id 'SPX'",)


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.key)
def test_refused_cases_name_the_problem(case) -> None:  # type: ignore[no-untyped-def]
    assert problems(case.raw)[0].startswith(case.problem)


def test_the_reader_is_bounded_in_size_and_depth() -> None:
    assert problems(" " * (MAX_BYTES + 1)) == ("$: larger than the limit of 5 MB",)
    def nested(depth: int) -> str:  # the object is the first level
        return '{"x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"

    read_json(nested(MAX_DEPTH))
    assert problems(nested(MAX_DEPTH + 1)) == (
        f"$: nested more than {MAX_DEPTH} levels deep at line 1 column {6 + MAX_DEPTH}",)
    # Brackets inside strings are text, not nesting.
    assert read_json(json.dumps({"x": "[" * 1000 + "{" * 1000})) == {"x": "[" * 1000 + "{" * 1000}
    assert problems(b"\xff\xfe") == ("$: not UTF-8 text (byte 0)",)


def test_lists_have_a_ceiling() -> None:
    data = sample_dict()
    data["dexes"] = [{"name": f"dex {i}"} for i in range(1001)]
    assert problems(json.dumps(data)) == ("dexes: more than 1,000 rows; a snapshot holds at "
                                          "most 1,000",)


def test_large_integers_within_20_digits_are_numbers() -> None:
    data = sample_dict()
    data["a_share_breadth"]["advancers"] = 10**19
    assert load_snapshot(json.dumps(data)).a_share_breadth.advancers == 10**19  # type: ignore[union-attr]
    raw = json.dumps(sample_dict()).replace('"advancers": 313', '"advancers": ' + "1" * 21)
    assert problems(raw) == ("a_share_breadth.advancers: number too large (more than 20 "
                             "digits)",)


# --- plausibility ---------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "market", "inside", "outside"), [
    ("index", "US", 25.0, 25.01), ("index", "CN", -25.0, -25.5),
    (None, "HK", 24.9, 26.0),  # the analysis reads a kindless stock quote as an index
    ("etf", "US", -30.0, -30.1), ("coin", "CRYPTO", 50.0, 50.1),
    (None, "CRYPTO", -50.0, -51.0), ("stock", "US", 1000.0, 1000.5),
    ("stock", "US", -99.9, -100.0),
])
def test_each_kind_has_its_bound(kind: str | None, market: str, inside: float,
                                 outside: float) -> None:
    assert plausibility.quote_problem(100.0, inside, kind, market) is None
    assert plausibility.quote_problem(100.0, outside, kind, market) is not None


def test_an_implausible_quote_is_left_out_and_named() -> None:
    data = sample_dict()
    quote(data, "SPX")["change_pct"] = 1e30
    quote(data, "HSI")["close"] = 0
    data["crypto_market"]["market_cap_change_pct"] = -80
    snapshot = load_snapshot(json.dumps(data))
    assert snapshot.quote("SPX") is None and snapshot.quote("HSI") is None
    assert snapshot.crypto_market is not None
    assert snapshot.crypto_market.market_cap_change_pct is None
    assert [(w.source, w.reason, w.figures) for w in snapshot.warnings] == [
        ("reference", "SPX: a +1e+30% move in one session is outside the sane bound of ±25% "
                      "for an index; left out", ("SPX",)),
        ("reference", "HSI: a close of 0 is not a price; left out", ("HSI",)),
        ("reference", "crypto_market.market_cap_change_pct: a -80% change is outside the sane "
                      "bound of ±50% for the total crypto market cap in 24 h; left out",
         ("crypto_market.market_cap_change_pct",)),
    ]
    report = report_of(data)
    insight = report.narration.key_insight
    assert "1e+30" not in insight and "S&P" not in insight
    assert any(w.startswith("reference: SPX: a +1e+30% move") for w in report.warnings)


def test_a_stablecoin_supply_change_outside_50_pct_is_left_out_but_the_supply_stays() -> None:
    data = sample_dict()
    data["stablecoins"][0]["change_pct_1d"] = -1e308
    snapshot = load_snapshot(json.dumps(data))
    usdt = snapshot.stablecoins[0]
    assert usdt.symbol == "USDT" and usdt.change_pct_1d is None
    assert usdt.circulating_usd == data["stablecoins"][0]["circulating_usd"]
    assert snapshot.warnings[-1].reason.startswith("USDT: a -1e+308% change is outside the "
                                                   "sane bound of ±50% for a stablecoin's")
    report_of(data)  # no infinity downstream (a risk's intensity once overflowed)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("northbound_net_cny", -2e15,
     "northbound_net_cny: out of range (got -2e+15; no real figure exceeds ±1e+15)"),
    ("close", 1.7e308, "quotes[0].close: out of range (got 1.7e+308; no real figure exceeds "
                       "±1e+15)"),
    ("close", -1, "quotes[0].close: must not be negative (got -1)"),
])
def test_amounts_beyond_a_quadrillion_are_refused(field: str, value: float, expected: str
                                                  ) -> None:
    data = sample_dict()
    (quote(data, "SPX") if field == "close" else data)[field] = value
    assert problems(json.dumps(data)) == (expected,)


def test_problem_paths_point_into_the_document_as_given() -> None:
    data = sample_dict()
    quote(data, "SPX")["change_pct"] = 1e30  # index 0, left out if the rest were valid
    quote(data, "HSI")["change_pct"] = "x"  # index 3
    assert problems(json.dumps(data)) == ('quotes[3].change_pct: not a number (got the string '
                                          '"x")',)


def test_the_live_path_is_screened_by_the_same_model() -> None:
    snapshot = MarketSnapshot(
        schema_="market-snapshot/1", generated_at=datetime(2026, 3, 21, tzinfo=UTC),
        quotes=(Quote(id="SPX\ud800", name="S&P\x00 500", market="US", kind="index",
                      change_pct=40.0, source="yahoo"),
                Quote(id="BTC", name="B" * 200, market="CRYPTO", kind="coin", change_pct=5.0)))
    assert [q.id for q in snapshot.quotes] == ["BTC"]
    assert snapshot.quotes[0].name == "B" * 63 + "…"
    assert snapshot.warnings[0].source == "yahoo"
    assert snapshot.warnings[0].reason.startswith("SPX: a +40% move in one session")


# --- mutation fuzzing -----------------------------------------------------------------------

EXTREMES = [1e308, -1e308, 5e-324, 0, -0.0, 10**19, -(10**19), 1e30, -1e30, 24.99, -99.99,
            -100.0, 1000.0, 1e15, 1e-15, True, None]
HOSTILE_STRINGS = ["", " ", "\ud800", "\udfff x", "A" * 5000, "<b>&amp;", "`*_~|", "@everyone",
                   "\n\n\x00\x1b", "上" * 200, "😀" * 70, "\u200b\u202e", "||x||", "```"]
FIXED = ("generated_at", "session", "as_of", "market", "schema")


def _leaves(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _leaves(item, (*path, i))]
    return [path]


SAMPLE_LEAVES = [p for p in _leaves(sample_dict()) if p[-1] not in FIXED]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.sampled_from(SAMPLE_LEAVES),
                          st.sampled_from([*EXTREMES, *HOSTILE_STRINGS])), min_size=1,
                max_size=8))
def test_any_mutated_sample_is_refused_with_a_path_or_renders_everywhere(
        mutations: list[tuple[tuple[object, ...], object]]) -> None:
    """The sample day with a few values replaced by extreme numbers or hostile strings (the
    fuzzing that found these bugs, kept as a property): either a clean refusal naming a path,
    or a report in every format that encodes as UTF-8 and stays within the platform limits."""
    data = sample_dict()
    for path, value in mutations:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    try:
        snapshot = load_snapshot(json.dumps(data))
    except SnapshotError as refused:
        assert refused.problems and all(": " in line for line in refused.problems)
        return
    report = report_from_snapshot(snapshot, HK)
    outputs = [markdown.render(report), json_out.render(report), telegram_messages.caption(
        report).html, *(m.html for m in telegram_messages.render_full(report))]
    outputs += [json.dumps(m.embeds) for m in discord_embeds.render_messages(report)]
    for output in outputs:
        output.encode("utf-8")
    assert all(len(m.html) <= 4096 for m in telegram_messages.render_full(report))
    assert len(telegram_messages.render_full(report)) <= 6
