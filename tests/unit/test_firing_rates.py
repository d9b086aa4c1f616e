"""Each risk and plan rule's firing rate over the bundled history: none is background (held on
more than half of the days), and each docstring states the rate the code gives, in σ and with
the fixed thresholds."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from datetime import date

import pytest

from services.analysis import base_rates, plan, risk, risk_history, rules
from services.analysis.tape import Tape
from services.history_io import load_sample_history

HISTORY = load_sample_history()
TAPES = {"z": Tape(HISTORY), "fixed": risk_history.FixedTape(HISTORY)}
RATE = re.compile(r"Firing rate: ([\d.]+)% of (\d+) days in σ; ([\d.]+)% of (\d+) with the "
                  r"fixed\s+thresholds\.")

# rule → (condition on a history day, the series whose sessions are the days)
MEASURED: dict[Callable[..., object], tuple[risk_history.Condition, str]] = {
    risk.hk_fails_us_lead: (base_rates.hk_fails_us_lead, "HSI"),
    risk.index_drawdown: (risk_history.any_index_fell, "HSI"),
    risk.crypto_equity_snapback: (risk_history.crypto_equity_snapback, "BTC"),
    risk.stablecoin_outflow: (risk_history.stablecoin_outflow, "USDT_SUPPLY"),
    risk.stablecoin_contraction: (risk_history.stablecoin_contraction, "USDT_SUPPLY"),
    risk.broad_risk_off: (risk_history.broad_risk_off, "SPX"),
    plan.size_down_when_fragmented: (risk_history.size_down, "HSI"),
    plan.hedge_crypto_beta: (risk_history.hedge_crypto, "SPX"),
    plan.pair_intra_market_split: (risk_history.chinext_sse_split, "SSE"),
}


def _stated(rule: Callable[..., object]) -> tuple[float, int, float, int]:
    found = RATE.search(inspect.getdoc(rule) or "")
    assert found, f"{rule.__name__}: no firing rate in its docstring"
    z_rate, z_days, fixed_rate, fixed_days = found.groups()
    return float(z_rate), int(z_days), float(fixed_rate), int(fixed_days)


@pytest.mark.parametrize("rule", list(MEASURED), ids=lambda r: r.__name__)
def test_docstring_states_the_rate_and_it_is_not_background(rule: Callable[..., object]
                                                             ) -> None:
    condition, clock = MEASURED[rule]
    z = risk_history.firing_rate(TAPES["z"], condition, clock)
    fixed = risk_history.firing_rate(TAPES["fixed"], condition, clock)
    assert z.days > 200 and fixed.days > 200  # a year of sessions was read
    assert _stated(rule) == (round(z.share_pct, 1), z.days, round(fixed.share_pct, 1),
                             fixed.days)
    assert z.share_pct <= rules.BACKGROUND_SHARE_PCT
    assert fixed.share_pct <= rules.BACKGROUND_SHARE_PCT


def test_every_rule_says_its_rate_or_why_there_is_none() -> None:
    for rule in (*risk.RULES, *plan.RULES):
        doc = inspect.getdoc(rule) or ""
        assert rule in MEASURED or re.search(r"(?i)not measured|Rests on|No risk triggered", doc), \
            rule.__name__


def test_the_old_size_down_condition_was_background() -> None:
    """"Run smaller positions" used to fire on every fragmented (or risk-off) day: more than
    half of the history's days. Now it needs a sharp fall or every market down."""
    tape = TAPES["fixed"]

    def split_or_down(t: Tape, day: date) -> bool | None:
        found = risk_history.day_verdict(t, day)
        return None if found is None else found.value in ("fragmented", "risk-off")

    old = risk_history.firing_rate(tape, split_or_down, "HSI")
    new = risk_history.firing_rate(tape, risk_history.size_down, "HSI")
    assert old.share_pct > rules.BACKGROUND_SHARE_PCT
    assert new.share_pct <= rules.BACKGROUND_SHARE_PCT
