"""Telegram's HTML parse-mode rules, as the Bot API enforces them (for fakes and tests)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "blockquote", "tg-emoji", "span"}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")


class EntityError(ValueError):
    """What Telegram answers as 400 "Bad Request: can't parse entities"."""


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise EntityError(f"can't parse entities: unsupported start tag \"{tag}\"")
        if tag == "span" and ("class", "tg-spoiler") not in attrs:
            raise EntityError("can't parse entities: span needs class tg-spoiler")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise EntityError(f"can't parse entities: unexpected end tag \"{tag}\"")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            raise EntityError("can't parse entities: unescaped < or >")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise EntityError(f"can't parse entities: unsupported entity \"&{name};\"")
        self.text.append(NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name.lower().startswith("x") else int(name)
        self.text.append(chr(code))


def parse_html(text: str) -> str:
    """The visible text of a Telegram HTML message, or ``EntityError`` like the Bot API."""
    for match in _ENTITY.finditer(text):
        body = match.group(1)
        if not match.group(0).endswith(";"):
            raise EntityError(f"can't parse entities: unterminated entity \"&{body}\"")
        if not body.startswith("#") and body not in NAMED_ENTITIES:
            raise EntityError(f"can't parse entities: unsupported entity \"&{body};\"")
    if re.search(r"&(?![#A-Za-z])", text):
        raise EntityError("can't parse entities: a bare & must be written &amp;")
    checker = _Checker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        raise EntityError(f"can't parse entities: unclosed tag \"{checker.stack[-1]}\"")
    return "".join(checker.text)


def visible_length(text: str) -> int:
    """Length as Telegram counts it: after entity parsing, in UTF-16 code units."""
    return len(parse_html(text).encode("utf-16-le")) // 2
