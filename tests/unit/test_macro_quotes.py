"""MACRO quotes in ``market-snapshot/1``: a rate moves in basis points, within a sane bound."""

from __future__ import annotations

import json

from services.snapshot_io import dump_snapshot, load_snapshot
from tests.support.snapshots import sample_dict


def with_tnx(change_bp: float) -> str:
    data = sample_dict()
    data["quotes"].append({"id": "TNX", "name": "US 10-year Treasury yield", "market": "MACRO",
                           "kind": "rate", "close": 4.39, "change_pct": None,
                           "change_bp": change_bp, "session": "2026-03-20", "source": "yahoo"})
    return json.dumps(data)


def test_a_rate_carries_its_move_in_basis_points_and_round_trips() -> None:
    snapshot = load_snapshot(with_tnx(4.0))
    tnx = snapshot.quote("TNX")
    assert tnx is not None and (tnx.market, tnx.kind, tnx.change_pct, tnx.change_bp) == (
        "MACRO", "rate", None, 4.0)
    assert load_snapshot(dump_snapshot(snapshot)) == snapshot


def test_a_move_of_a_rate_beyond_200_bp_is_left_out_and_named() -> None:
    snapshot = load_snapshot(with_tnx(439.0))  # a yield read ten times over
    assert snapshot.quote("TNX") is None
    assert snapshot.warnings[-1].reason == (
        "TNX: a +439 bp move in one session is outside the sane bound of ±200 bp for a rate; "
        "left out")
