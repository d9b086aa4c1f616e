"""The "Your watchlist" block (pure): close, change, session date, z when the history has
enough, the move against its market's index, stale and missing labelled."""

from __future__ import annotations

from datetime import date

from services.models.history import EMPTY_HISTORY
from services.watch.block import build_block
from services.watch.followup import block_note
from services.watch.zscore import z_score
from tests.watch.helpers import (
    ALIBABA,
    BTC,
    HSI,
    SOLANA,
    TENCENT,
    batch,
    close,
    coin,
    history,
)


def test_the_move_against_its_index_with_z_from_its_own_history() -> None:
    hist = history("0700.HK")
    quotes = batch(close(TENCENT, 375.97, -3.1005), close(HSI, 25423.06, -2.48))
    block = build_block([TENCENT], quotes, hist)
    [(head, figures)] = block.items()
    z = z_score(hist.get("0700.HK"), date(2026, 11, 23), -3.1005)
    assert z is not None and z.n == 60
    assert head == "0700.HK Tencent Holdings Limited"
    assert figures == f"375.97 -3.10% · 2026-11-23 · z {z.z:+.1f} · vs HSI -2.48%"
    assert block.footer == ("Sources: yahoo. Changes: session over session; coins over 24 h. "
                            "z: the move over its 60-session volatility.")


def test_no_z_without_history_or_with_a_short_or_old_one() -> None:
    quotes = batch(close(TENCENT, 375.97, -3.1), close(HSI, 25423.06, -2.48))
    assert "z " not in build_block([TENCENT], quotes, EMPTY_HISTORY).items()[0][1]
    short = history("0700.HK", count=15)
    assert z_score(short.get("0700.HK"), date(2026, 11, 23), -3.1) is None
    old = history("0700.HK", last=date(2026, 3, 20))
    assert z_score(old.get("0700.HK"), date(2026, 11, 23), -3.1) is None, "a stopped history"


def test_stale_and_missing_are_labelled() -> None:
    quotes = batch(close(ALIBABA, 81.9, -0.73, day=date(2026, 11, 20)),
                   close(TENCENT, None, None), close(HSI, 25423.06, -2.48))
    items = build_block([ALIBABA, TENCENT], quotes).items()
    assert items[0][1] == ("81.90 -0.73% · 2026-11-20 (stale: HSI has 2026-11-23) · "
                           "vs HSI -2.48% (2026-11-23)")
    assert items[1][1] == "n/a (yahoo: HTTP 503)"


def test_a_coin_shows_its_24h_window_and_btc() -> None:
    quotes = batch(coin(SOLANA, 142.1, 5.2), coin(BTC, 87123.0, 1.04))
    [(head, figures)] = build_block([SOLANA], quotes).items()
    assert head == "SOL Solana"
    assert figures == "$142.10 +5.20% · 24h to 2026-11-24 00:30 UTC · vs BTC +1.04%"


def test_an_index_on_the_list_is_not_compared_with_itself() -> None:
    [(head, figures)] = build_block([HSI], batch(close(HSI, 25423.06, -2.48))).items()
    assert (head, figures) == ("HSI Hang Seng Index", "25,423.06 -2.48% · 2026-11-23")


def test_the_block_as_a_note_keeps_one_line_per_figure() -> None:
    quotes = batch(close(TENCENT, 375.97, -3.1), close(HSI, 25423.06, -2.48))
    note = block_note(build_block([TENCENT], quotes))
    assert note.title == "Your watchlist"
    assert note.lines == ("0700.HK Tencent Holdings Limited",
                          "  375.97 -3.10% · 2026-11-23 · vs HSI -2.48%")
