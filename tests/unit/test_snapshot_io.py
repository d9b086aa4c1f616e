"""market-snapshot/1: validation with one line per problem, naming its JSON path."""

import json

import pytest

from services.errors import SnapshotError
from services.snapshot_io import dump_snapshot, json_schema, load_sample, load_snapshot
from tests.support.snapshots import quote, sample_dict


def problems(data: object) -> tuple[str, ...]:
    raw = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(raw)
    return caught.value.problems


def test_sample_round_trips() -> None:
    snap = load_sample()
    assert load_snapshot(dump_snapshot(snap)) == snap


def test_minimal_snapshot_with_absent_blocks_is_valid() -> None:
    snap = load_snapshot('{"schema": "market-snapshot/1", "generated_at": "2026-01-02T00:00:00Z",'
                         ' "quotes": null, "stablecoins": null}')
    assert snap.quotes == () and snap.crypto_market is None and snap.a_share_breadth is None


def test_extra_fields_are_allowed() -> None:
    data = sample_dict()
    data["my_note"] = "x"
    quote(data, "SPX")["my_field"] = 1
    load_snapshot(json.dumps(data))


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: quote(d, "HSI").update(change_pct="-0.88"),
     "quotes[3].change_pct: not a number (got the string \"-0.88\")"),
    (lambda d: quote(d, "HSI").update(market="EU"),
     'quotes[3].market: unknown market "EU" (expected one of US, HK, CN, CRYPTO, MACRO)'),
    (lambda d: d["stablecoins"][1].update(circulating_usd=-1.0),
     "stablecoins[1].circulating_usd: must not be negative (got -1.0)"),
    (lambda d: d["dexes"][0].update(volume_usd_1d=-5),
     "dexes[0].volume_usd_1d: must not be negative (got -5)"),
    (lambda d: d["a_share_breadth"].update(advancers=3.5),
     "a_share_breadth.advancers: not a whole number (got 3.5)"),
    (lambda d: quote(d, "SPX").update(session="last friday"),
     "quotes[0].session: not an ISO date or timestamp"),
    (lambda d: d.update(generated_at="2026-03-21T00:30:00"),
     "generated_at: timestamp has no time zone"),
    (lambda d: d.update(quotes={"id": "x"}), "quotes: not a list (got an object)"),
    (lambda d: quote(d, "SPX").pop("market"), "quotes[0].market: required field is missing"),
    (lambda d: d["quotes"].append(dict(quote(d, "SPX"))), "quotes: duplicate quote id 'SPX'"),
])
def test_each_problem_names_its_path(mutate, expected: str) -> None:
    data = sample_dict()
    mutate(data)
    assert expected in problems(data)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_rejected(token: str) -> None:
    raw = json.dumps(sample_dict()).replace('"change_pct": 0.59', f'"change_pct": {token}')
    assert problems(raw) == ("quotes[0].change_pct: not a finite number (NaN or infinity)",)


def test_every_problem_is_reported_at_once() -> None:
    data = sample_dict()
    quote(data, "SPX").update(change_pct="x")
    data["stablecoins"][0].update(circulating_usd=-1)
    quote(data, "BTC").update(market="MOON")
    assert len(problems(data)) == 3


@pytest.mark.parametrize(("raw", "expected"), [
    ('{"schema": "market-snapshot/1",', "$: broken JSON at line 1 column 32"),
    ('[1, 2]', "$: expected a JSON object, got a list"),
    ('{"schema": "market-snapshot/2", "generated_at": "2026-01-01T00:00:00Z"}',
     'schema: expected "market-snapshot/1", got "market-snapshot/2"'),
    ('{"generated_at": "2026-01-01T00:00:00Z"}',
     'schema: expected "market-snapshot/1", got null'),
])
def test_document_level_problems(raw: str, expected: str) -> None:
    assert problems(raw)[0].startswith(expected)


def test_json_schema_accepts_the_sample_and_rejects_an_unknown_market() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    data = sample_dict()
    jsonschema.validate(data, schema)
    quote(data, "SPX")["market"] = "EU"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
