"""Which narrator runs: Claude with a key (or NARRATOR=anthropic), the template otherwise; the
settings that shape the Claude client; and ANTHROPIC_BASE_URL against a real loopback server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.container import make_narrator
from services.models.analysis import Analysis
from services.narration.anthropic import DEFAULT_MODEL, AnthropicNarrator
from services.narration.template import TemplateNarrator
from tests.narration import scripted
from tests.narration.messages_api import message_body


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(("values", "expected"), [
    ({}, TemplateNarrator),
    ({"anthropic_api_key": ""}, TemplateNarrator),
    ({"anthropic_api_key": "sk-ant-test"}, AnthropicNarrator),
    ({"anthropic_api_key": "sk-ant-test", "narrator": "template"}, TemplateNarrator),
    # NARRATOR=anthropic with no credentials at all: every call would fail before it is sent,
    # so the template writes (with a warning) instead of an edition build failing.
    ({"narrator": "anthropic"}, TemplateNarrator),
    ({"narrator": "Anthropic", "anthropic_base_url": "http://127.0.0.1:9"}, TemplateNarrator),
    ({"narrator": "anthropic", "anthropic_api_key": "sk-ant-test"}, AnthropicNarrator),
])
async def test_the_narrator_chosen(values: dict[str, Any], expected: type,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE",
                 "ANTHROPIC_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/nonexistent-home-for-test")
    narrator = make_narrator(settings(**values))
    assert isinstance(narrator, expected)
    if isinstance(narrator, AnthropicNarrator):
        await narrator.aclose()


async def test_narrator_anthropic_uses_the_sdk_s_own_credentials(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "token-from-the-environment")
    narrator = make_narrator(settings(narrator="anthropic"))
    assert isinstance(narrator, AnthropicNarrator)
    await narrator.aclose()


async def test_narrator_anthropic_without_credentials_says_so(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/nonexistent-home-for-test")
    narrator = make_narrator(settings(narrator="anthropic"))
    assert isinstance(narrator, TemplateNarrator)
    assert "no Anthropic credentials (set ANTHROPIC_API_KEY)" in caplog.text


def test_the_default_model_is_current() -> None:
    assert settings().anthropic_model == DEFAULT_MODEL == "claude-sonnet-5-5"


@pytest.mark.parametrize("values", [{"narrator": "gpt"}, {"anthropic_effort": "extreme"},
                                    {"anthropic_timeout_s": 0}])
def test_bad_settings_are_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        settings(**values)


def test_the_key_never_prints() -> None:
    s = settings(anthropic_api_key="sk-ant-secret-value")
    assert "sk-ant-secret-value" not in repr(s) and "sk-ant-secret-value" not in str(s)
    assert s.anthropic_key == "sk-ant-secret-value"


SEEN: list[dict[str, Any]] = []


class _MessagesAPI(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers["content-length"])
        SEEN.append({"path": self.path,
                                  "body": json.loads(self.rfile.read(length))})
        payload = json.dumps(message_body(scripted.GOOD)).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def loopback() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MessagesAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def test_anthropic_base_url_is_honoured(analysis: Analysis, loopback: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                  "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    SEEN.clear()
    narrator = make_narrator(settings(anthropic_api_key="sk-ant-test", anthropic_base_url=loopback))
    assert isinstance(narrator, AnthropicNarrator)
    try:
        narration = await narrator.narrate(analysis)
    finally:
        await narrator.aclose()
    assert [r["path"] for r in SEEN] == ["/v1/messages"]
    assert narration.key_insight == scripted.GOOD["key_insight"]
