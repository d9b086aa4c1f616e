"""A loopback Anthropic Messages API for a bot in another process (``ANTHROPIC_BASE_URL``).

    python -m tests.fakes.messages_server --script good        # prints http://127.0.0.1:PORT

It answers ``POST /v1/messages`` with the API's real response shapes (those of
``tests.narration.messages_api``), from scripted replies kept in two queues: one for the
narration (requests whose output schema asks for ``key_insight``) and one for ``/ask``
(schema asking for ``answer``). A reply is the JSON object the model returns, or
``{"status": 529}`` for an error. A request with no reply left gets a 500, and one without an
``x-api-key`` a 401, as the real API would. Each request is printed to stderr and kept;
``GET /_fake/requests`` lists them (kind and, for ``/ask``, the question).

``--script`` takes a preset name (``PRESETS``) or a JSON file ``{"narration": [...],
"ask": [...]}``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.ask import scripted as ask_scripted
from tests.narration import scripted as narration_scripted
from tests.narration.messages_api import ERROR_TYPES, message_body

Reply = Mapping[str, Any]

WRONG_KEY_INSIGHT = {**narration_scripted.GOOD,
                     "key_insight": "BTC rose 0.59% as stablecoin supply grew +$370M."}

PRESETS: dict[str, dict[str, list[Reply]]] = {
    # report: one call, Claude's text ships
    "good": {"narration": [narration_scripted.GOOD]},
    # report: the Key Insight is wrong twice: two calls, then the template's Key Insight
    "wrong": {"narration": [WRONG_KEY_INSIGHT, WRONG_KEY_INSIGHT]},
    # ask: a good answer about stablecoin supply
    "ask-good": {"ask": [ask_scripted.STABLECOIN_GOOD]},
    # ask: a wrong figure, then the fix
    "ask-retry": {"ask": [ask_scripted.STABLECOIN_WRONG, ask_scripted.STABLECOIN_GOOD]},
    # ask: wrong twice: the answer quotes the edition's figures
    "ask-wrong": {"ask": [ask_scripted.STABLECOIN_WRONG, ask_scripted.STABLECOIN_WRONG]},
    # ask: a question the data cannot answer, refused with what the data holds
    "ask-missing": {"ask": [ask_scripted.MISSING_GOOD]},
    # ask: the model is overloaded
    "ask-overloaded": {"ask": [{"status": 529}]},
}


def load_script(name_or_path: str) -> dict[str, list[Reply]]:
    if name_or_path in PRESETS:
        return {k: list(v) for k, v in PRESETS[name_or_path].items()}
    data = json.loads(Path(name_or_path).read_text(encoding="utf-8"))
    return {k: list(data.get(k, [])) for k in ("narration", "ask")}


def kind_of(body: Mapping[str, Any]) -> str:
    schema = (((body.get("output_config") or {}).get("format") or {}).get("schema") or {})
    return "narration" if "key_insight" in schema.get("required", []) else "ask"


_QUESTION = re.compile(r"<question>\n(.*)\n</question>", re.S)


def question_in(body: Mapping[str, Any]) -> str | None:
    for message in body.get("messages", []):
        for block in message.get("content", []):
            found = _QUESTION.search(block.get("text", "")) if isinstance(block, dict) else None
            if found:
                try:
                    return str(json.loads(found.group(1)).get("question"))
                except (ValueError, AttributeError):
                    return None
    return None


class FakeMessagesServer:
    def __init__(self, script: Mapping[str, list[Reply]], port: int = 0) -> None:
        self.queues = {k: list(v) for k, v in script.items()}
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/_fake/requests":
                    return self._send(404, {"type": "error", "error": {
                        "type": "not_found_error", "message": "not found"}})
                with fake._lock:
                    listed = [{k: r[k] for k in ("kind", "question")} for r in fake.requests]
                return self._send(200, listed)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"] or 0)))
                if self.path != "/v1/messages":
                    return self._send(*_error(404, f"unexpected POST {self.path}"))
                if not self.headers.get("x-api-key") and not self.headers.get("authorization"):
                    return self._send(*_error(401, "x-api-key header is required"))
                status, payload = fake.reply(body)
                return self._send(status, payload)

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("request-id", "req_011Loopback")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    def reply(self, body: Mapping[str, Any]) -> tuple[int, Any]:
        kind = kind_of(body)
        with self._lock:
            self.requests.append({"kind": kind, "question": question_in(body), "body": body})
            n = len(self.requests)
            queue = self.queues.get(kind, [])
            reply = queue.pop(0) if queue else None
        print(f"messages_api: request {n} ({kind})", file=sys.stderr, flush=True)
        if reply is None:
            return _error(500, "no scripted reply left")
        if "status" in reply:
            return _error(int(reply["status"]), str(reply.get("message", "")))
        return 200, message_body(reply)

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if kind is None or r["kind"] == kind)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _error(status: int, message: str) -> tuple[int, Any]:
    kind = ERROR_TYPES.get(status, "api_error")
    return status, {"type": "error", "error": {"type": kind, "message": message or kind}}


@contextmanager
def serving(script: Mapping[str, list[Reply]]) -> Iterator[FakeMessagesServer]:
    """The fake on a free loopback port, in a background thread, for one test."""
    server = FakeMessagesServer(script)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.messages_server")
    parser.add_argument("--script", default="good",
                        help=f"a preset ({', '.join(PRESETS)}) or a JSON file")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = FakeMessagesServer(load_script(args.script), args.port)
    print(server.url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
