"""The risk matrix and the action plan on evidence: the crash day's bugs, severity with z,
triggers that have not happened yet, and ideas that name an instrument, a level, a horizon and
their evidence without contradicting the verdict."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.analysis import analyze, plan, risk
from services.analysis.plan import PlanInputs, contradicts
from services.analysis.risk import RiskInputs
from services.history_io import load_sample_history
from services.models.analysis import Analysis, Evidence, Idea, Verdict, WatchLevel
from services.renderers import markdown
from tests.support.odd_days import ODD_DAYS, crash_day
from tests.support.snapshots import HK, analysis_of, quote, report_of, sample_dict, snapshot_of

HISTORY = load_sample_history()


def with_history(data: dict) -> Analysis:  # type: ignore[type-arg]
    snap = snapshot_of(data)
    return analyze(snap, snap.generated_at, HK, HISTORY)


CRASH = analysis_of(crash_day())
SAMPLE = with_history(sample_dict())


def _levels(a: Analysis) -> list[WatchLevel]:
    return [x.level for x in (*a.risks, *a.ideas) if x.level is not None]


# --- the crash day ---------------------------------------------------------------------------

def test_crash_day_ranks_the_broad_sell_off_first_not_dai() -> None:
    assert CRASH.sentiment.verdict is Verdict.RISK_OFF
    assert CRASH.risks[0].key == "broad_risk_off"
    assert all("DAI" not in r.title for r in CRASH.risks)
    # the stablecoin risk is the net outflow (-$464M), not one issuer's -$88M
    outflow = next(r for r in CRASH.risks if r.key == "stablecoin_outflow")
    assert "net -$464M" in outflow.evidence
    assert "stablecoin_contraction" not in {r.key for r in CRASH.risks}


def test_crash_day_triggers_are_things_that_have_not_happened() -> None:
    for r in CRASH.risks:
        assert "turning negative" not in r.trigger, r.trigger
    outflow = next(r for r in CRASH.risks if r.key == "stablecoin_outflow")
    assert outflow.trigger.startswith("Another day of net outflow")


def test_crash_day_suggests_no_momentum_and_nothing_against_the_verdict() -> None:
    texts = [i.text for i in CRASH.ideas]
    assert not any("DEX volume is surging" in t for t in texts), texts
    assert not any(i.stance == plan.ADD for i in CRASH.ideas)
    assert any(i.text.startswith("Run smaller positions") for i in CRASH.ideas)


def test_a_fragmented_day_without_a_sharp_fall_does_not_size_down() -> None:
    data = sample_dict()
    quote(data, "HSTECH")["change_pct"] = -1.5  # no index past -2%: a split, nothing more
    a = analysis_of(data)
    assert a.sentiment.verdict is Verdict.FRAGMENTED
    assert "index_drawdown" not in {r.key for r in a.risks}
    assert not any(i.text.startswith("Run smaller positions") for i in a.ideas)


def test_a_calm_day_does_not_hedge_crypto_with_equities() -> None:
    # the sample: S&P 500 +0.59%, BTC +1.04% amplifying it: a ratio of two small moves
    for a in (analysis_of(sample_dict()), SAMPLE):
        assert not any("hedge crypto" in i.text for i in a.ideas)
    assert any("hedge crypto" in i.text for i in CRASH.ideas)  # -3.36% is not calm


# --- severity, triggers, levels --------------------------------------------------------------

def _evidence(quote_id: str, change: float, z: float) -> Evidence:
    return Evidence(id=quote_id, session=date(2026, 3, 20), change_pct=change, z=z,
                    vol_pct=abs(change / z), n=60, percentile=1.0, n_year=250, recent=(),
                    source="test")


@pytest.mark.parametrize(("z", "severity"), [(-2.2, "medium"), (-3.4, "high")])
def test_severity_grows_with_z(z: float, severity: str) -> None:
    a = analysis_of(sample_dict())
    x = RiskInputs(a.sentiment, a.crypto, a.us, a.hk, a.cn, a.warnings,
                   evidence={"HSTECH": _evidence("HSTECH", -2.48, z)})
    found = risk.index_drawdown(x)
    assert found is not None and found.scale == "z"
    assert found.severity == severity and found.sigmas == pytest.approx(abs(z))


def test_a_move_that_is_ordinary_for_its_asset_is_no_risk() -> None:
    a = analysis_of(sample_dict())
    x = RiskInputs(a.sentiment, a.crypto, a.us, a.hk, a.cn, a.warnings,
                   evidence={"HSTECH": _evidence("HSTECH", -2.48, -1.1)})
    assert risk.index_drawdown(x) is None  # -2.48% is a 1.1σ day for HSTECH


@pytest.mark.parametrize("a", [SAMPLE, with_history(crash_day()), CRASH],
                         ids=["sample", "crash_with_history", "crash"])
def test_no_level_to_watch_has_already_been_crossed(a: Analysis) -> None:
    for level in _levels(a):
        if level.side == "below":
            assert level.value < level.close, level
        else:
            assert level.value > level.close, level


def test_with_history_every_idea_names_instrument_level_horizon_and_evidence() -> None:
    assert SAMPLE.ideas
    for idea in SAMPLE.ideas:
        assert idea.instrument and idea.horizon and idea.evidence, idea
    with_level = [i for i in SAMPLE.ideas if i.level is not None]
    assert with_level and all(i.level.from_history for i in with_level if i.level)
    text = markdown.render(report_of(sample_dict()), ("action_plan",))
    assert "Instrument: " in text and "Horizon: " in text and "Evidence: " in text


@pytest.mark.parametrize("day", list(ODD_DAYS))
def test_no_idea_contradicts_the_verdict(day: str) -> None:
    for a in (analysis_of(ODD_DAYS[day]()), with_history(ODD_DAYS[day]())):
        verdict = a.sentiment.verdict
        assert not [i.text for i in a.ideas if contradicts(i, verdict)]


def test_contradiction_filter_removes_an_added_risk_on_a_risk_off_day() -> None:
    add = Idea("aggressive", "buy", "e", ("x",), "X", "1 day", None, plan.ADD)
    reduce = replace(add, stance=plan.REDUCE)
    assert contradicts(add, Verdict.RISK_OFF) and not contradicts(reduce, Verdict.RISK_OFF)
    assert contradicts(reduce, Verdict.RISK_ON) and not contradicts(add, Verdict.RISK_ON)
    assert not contradicts(add, Verdict.FRAGMENTED)
    inputs = PlanInputs(CRASH.sentiment, CRASH.crypto, CRASH.divergences, CRASH.risks)
    assert plan.ride_dex_volume_momentum(inputs) is None  # BTC -9.2%: a surge is selling


def test_the_matrix_has_no_likelihood_column() -> None:
    for day in ODD_DAYS:
        text = markdown.render(report_of(ODD_DAYS[day]()), ("risk_matrix",))
        assert "Likelihood" not in text
    text = markdown.render(report_of(crash_day()), ("risk_matrix",))
    assert "Severity" in text and "x threshold" in text
