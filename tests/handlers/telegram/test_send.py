"""PTB's errors as the product's delivery errors (the daily push relies on this mapping)."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from handlers.telegram.send import delivery_errors, translate
from services.errors import (
    DeliveryUnavailable,
    DestinationGone,
    DestinationMoved,
    RateLimited,
)


def test_translate_names_each_case() -> None:
    gone = translate(Forbidden("Forbidden: bot was blocked by the user"), 5)
    assert isinstance(gone, DestinationGone) and gone.destination == "5"
    moved = translate(ChatMigrated(-1009), -9)
    assert isinstance(moved, DestinationMoved) and moved.new_id == "-1009"
    assert isinstance(translate(TimedOut(), 1), DeliveryUnavailable)
    assert isinstance(translate(NetworkError("Bad Gateway"), 1), DeliveryUnavailable)
    assert translate(BadRequest("Message is too long"), 1) is None


@pytest.mark.parametrize("mode", ["false", "true"])
def test_retry_after_in_both_ptb_modes(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", mode)
    with pytest.warns(PTBDeprecationWarning) if mode == "false" else nullcontext():
        err = RetryAfter(timedelta(seconds=7) if mode == "true" else 7)
    limited = translate(err, "@chan")
    assert isinstance(limited, RateLimited) and limited.retry_after == 7.0


def test_delivery_errors_keeps_other_errors() -> None:
    with pytest.raises(BadRequest), delivery_errors(1):
        raise BadRequest("Chat not found")
    with pytest.raises(DestinationGone), delivery_errors(1):
        raise Forbidden("Forbidden: bot was kicked from the group chat")

