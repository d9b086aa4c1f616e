"""The fake Bot API on a loopback socket, for a bot in another process or a fan-out bench.

    python -m tests.fakes.telegram_server --port 8081 [--limits telegram] [--paid-per-second N]

prints ``{"base_url": "http://127.0.0.1:8081/bot", "token": …}``; point the bot at it with
``TELEGRAM_BASE_URL`` and ``TELEGRAM_BOT_TOKEN``. Control endpoints (JSON):

- ``POST /_fake/updates`` a Bot API update (``update_id`` optional), or ``{"command": "/report",
  "chat_id": 1001}`` for a typed command;
- ``GET /_fake/sent`` every recorded message; ``GET /_fake/stats`` counters (429s answered
  as ``rejected_429``); ``GET /_fake/received`` messages per chat (``{"chat id": n}``) and
  how many were paid broadcasts;
- ``POST /_fake/block`` ``{"chat_id": …}``; ``POST /_fake/migrate`` ``{"old": …, "new": …}``;
  ``POST /_fake/member`` ``{"chat_id", "user_id", "status"}``.

In-process use: ``with serve(fake) as base_url: …`` (a daemon thread; keep-alive HTTP/1.1).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes import telegram_updates
from tests.fakes.telegram_api import TELEGRAM_LIMITS, TOKEN, FakeBotApi, RateLimits


def _handler_for(fake: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # one answer is two writes: no 40 ms delayed-ACK stall

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the fake records what it needs

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _answer(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._route(b"")

        def do_POST(self) -> None:
            self._route(self._body())

        def _route(self, body: bytes) -> None:
            if self.path.startswith("/_fake/"):
                self._answer(*_control(fake, self.command, self.path, body))
                return
            ctype = self.headers.get("Content-Type", "")
            if self.path.rsplit("/", 1)[-1].split("?")[0].lower() == "getupdates":
                timeout, offset = fake.poll_params(ctype, body, self.path)
                deadline = time.monotonic() + timeout
                while not fake.has_updates(offset) and time.monotonic() < deadline:
                    time.sleep(0.01)
            self._answer(*fake.handle(self.command, self.path, ctype, body))

    return Handler


def _control(fake: FakeBotApi, method: str, path: str, body: bytes) -> tuple[int, Any]:
    data = json.loads(body) if body else {}
    route = path.split("?")[0].removeprefix("/_fake/")
    if route == "sent":
        return 200, [dataclasses.asdict(s) for s in fake.sent]
    if route == "stats":
        return 200, {"calls": dict(fake.calls), "uploads": fake.uploads,
                     "rejected_429": fake.flood.rejected,
                     "failures": [dataclasses.asdict(f) for f in fake.failures
                                  if f.code != 429][:1000],
                     "actions": fake.actions, "commands": fake.commands}
    if route == "received":
        counts = Counter(str(s.chat_id) for s in fake.sent)
        return 200, {"chats": counts, "paid": sum(1 for s in fake.sent if s.paid),
                     "first_at": fake.sent[0].at if fake.sent else None,
                     "last_at": fake.sent[-1].at if fake.sent else None}
    if route == "updates" and method == "POST":
        if "command" in data:
            data = telegram_updates.command(data["command"], int(data.get("chat_id", 1001)),
                                            data.get("user_id"), data.get("kind"),
                                            update_id=fake.next_update_id())
        return 200, fake.add_update(data)
    if route == "block" and method == "POST":
        fake.block(data["chat_id"])
        return 200, True
    if route == "migrate" and method == "POST":
        fake.migrate(data["old"], data["new"])
        return 200, True
    if route == "member" and method == "POST":
        fake.set_member(data["chat_id"], data["user_id"], data["status"])
        return 200, True
    return 404, {"ok": False, "description": f"unknown control route {route!r}"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the bot went away mid long-poll: nothing to report
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(fake: FakeBotApi, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``fake`` on a loopback port in a daemon thread; yields the ``base_url``."""
    server = _Server((host, port), _handler_for(fake))
    thread = threading.Thread(target=server.serve_forever, name="fake-bot-api", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake Telegram Bot API on loopback.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TOKEN)
    parser.add_argument("--limits", choices=("none", "telegram"), default="none",
                        help="telegram: 30/s overall (1000/s for paid broadcasts), 1/s per "
                             "chat, 20/min per group")
    parser.add_argument("--paid-per-second", type=int,
                        help="the paid broadcasts' window (default: 1000 with --limits telegram)")
    args = parser.parse_args()
    limits = TELEGRAM_LIMITS if args.limits == "telegram" else RateLimits()
    if args.paid_per_second is not None:
        limits = dataclasses.replace(limits, paid_per_second=args.paid_per_second)
    fake = FakeBotApi(args.token, limits=limits)
    with serve(fake, port=args.port) as base_url:
        print(json.dumps({"base_url": base_url, "token": args.token}), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
