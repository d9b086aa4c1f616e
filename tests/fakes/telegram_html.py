"""Telegram's HTML parse mode, as the Bot API applies it: text and entities, or a 400.

Rules (https://core.telegram.org/bots/api#html-style):

- only b/strong, i/em, u/ins, s/strike/del, span class="tg-spoiler", tg-spoiler, a href,
  code, pre (with an optional inner ``code class="language-…"``), blockquote [expandable] and
  tg-emoji emoji-id are tags;
- every ``<``, ``>`` and ``&`` that is not part of a tag or entity must be escaped;
- only ``&lt; &gt; &amp; &quot;`` and numeric entities are recognised;
- tags must nest and close.

Anything else raises ``EntityError`` with Telegram's wording ("can't parse entities: …").
Offsets and lengths of the returned entities are UTF-16 code units, as in the real API;
message length limits are counted in characters (code points) of the parsed text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

ENTITY_TYPES: dict[str, str] = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#[xX][0-9a-fA-F]+);")


class EntityError(ValueError):
    """The text is not valid Telegram HTML; ``str()`` is the API's description."""


@dataclass(frozen=True)
class Parsed:
    text: str
    entities: tuple[dict[str, Any], ...]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=False)
        self._raw = raw
        self._line_starts = [0] + [i + 1 for i, c in enumerate(raw) if c == "\n"]
        self.pieces: list[str] = []
        self.length16 = 0
        self.open: list[tuple[str, int, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def fail(self, what: str) -> None:
        line, col = self.getpos()
        offset = len(self._raw[: self._line_starts[line - 1] + col].encode())
        raise EntityError(f"Bad Request: can't parse entities: {what} at byte offset {offset}")

    def emit(self, text: str) -> None:
        self.pieces.append(text)
        self.length16 += utf16_len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in ENTITY_TYPES:
            self.fail(f'Unsupported start tag "{tag}"')
        if tag == "span" and values.get("class") != "tg-spoiler":
            self.fail('Tag "span" must have class "tg-spoiler"')
        extra: dict[str, Any] = {}
        if tag == "a":
            if not values.get("href"):
                self.fail('Tag "a" must have attribute "href"')
            extra["url"] = values["href"]
        elif tag == "tg-emoji":
            if not values.get("emoji-id"):
                self.fail('Tag "tg-emoji" must have attribute "emoji-id"')
            extra["custom_emoji_id"] = values["emoji-id"]
        elif tag == "code" and self.open and self.open[-1][0] == "pre" and values.get("class"):
            language = str(values["class"]).removeprefix("language-")
            self.open[-1][2]["language"] = language
        elif tag == "blockquote" and "expandable" in values:
            extra["expandable"] = True
        self.open.append((tag, self.length16, extra))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.fail(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            self.fail(f'Unexpected end tag "{tag}"')
        name, start, extra = self.open.pop()
        if name != tag:
            self.fail(f'Unmatched end tag, expected "</{name}>", found "</{tag}>"')
        length = self.length16 - start
        if length == 0:
            return
        kind = ENTITY_TYPES[name]
        if kind == "blockquote" and extra.pop("expandable", False):
            kind = "expandable_blockquote"
        if name == "code" and self.open and self.open[-1][0] == "pre":
            return  # the language is carried by the enclosing pre entity
        self.entities.append({"type": kind, "offset": start, "length": length, **extra})

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                self.fail(f'Character "{char}" must be escaped')
        self.emit(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.fail(f'Unsupported HTML entity "&{name};"')
        self.emit(NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self.emit(chr(code))
        except (ValueError, OverflowError):
            self.fail(f'Invalid numeric entity "&#{name};"')

    def handle_comment(self, data: str) -> None:
        self.fail("Comments are not supported")

    def handle_decl(self, decl: str) -> None:
        self.fail("Declarations are not supported")

    def handle_pi(self, data: str) -> None:
        self.fail("Processing instructions are not supported")

    def unknown_decl(self, data: str) -> None:
        self.fail("Declarations are not supported")


def parse_html(raw: str) -> Parsed:
    """The text and entities Telegram would show for ``raw`` in HTML parse mode."""
    parser = _TelegramHTML(raw)
    for ampersand in re.finditer("&", raw):  # HTMLParser silently drops some stray "&"
        if not _ENTITY.match(raw, ampersand.start()):
            offset = len(raw[: ampersand.start()].encode())
            raise EntityError("Bad Request: can't parse entities: Character \"&\" must be "
                              f"escaped or start an entity at byte offset {offset}")
    parser.feed(raw)
    parser.close()
    if parser.rawdata:  # HTMLParser keeps an unterminated "<…" or "&…" back
        parser.fail(f'Unclosed construct "{parser.rawdata[:20]}"')
    if parser.open:
        parser.fail(f'Can\'t find end tag corresponding to start tag "{parser.open[-1][0]}"')
    text = "".join(parser.pieces)
    entities = tuple(sorted(parser.entities, key=lambda e: (e["offset"], -e["length"])))
    return Parsed(text, entities)


@functools.lru_cache(maxsize=256)
def parse(raw: str, parse_mode: str | None) -> Parsed:
    """Plain text is taken as is and HTML is parsed; this fake refuses the Markdown modes
    rather than pretend to check them. Remembered for the last few texts: a fan-out sends the
    same caption to every chat, and parsing it each time made the fake slower than the bot."""
    if not parse_mode:
        return Parsed(raw, ())
    if parse_mode.upper() == "HTML":
        return parse_html(raw)
    raise EntityError(f"Bad Request: unsupported parse_mode {parse_mode!r} (the fake checks HTML)")
