"""Discord's message limits, checked the way the API checks them (used by the fake).

``message_problems`` returns one line per violation; the fake answers 400 when any exist.
It is a little stricter than Discord in one place: an embed image ``attachment://name`` must
name a file uploaded with the same message (Discord silently shows no image instead).
"""

from __future__ import annotations

from typing import Any

CONTENT = 2000
EMBEDS = 10
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
ATTACHMENTS = 10
ACTION_ROWS = 5
SELECT_OPTIONS = 25
CUSTOM_ID = 100
OPTION_TEXT = 100
PLACEHOLDER = 150
AUTOCOMPLETE_CHOICES = 25


def embed_chars(embed: dict[str, Any]) -> int:
    """The characters Discord counts toward the 6000 per message."""
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        size += len(field.get("name") or "") + len(field.get("value") or "")
    return size


def _too_long(where: str, value: str | None, limit: int) -> list[str]:
    if value is not None and len(value) > limit:
        return [f"{where}: {len(value)} characters > {limit}"]
    return []


def embed_problems(embed: dict[str, Any], i: int, filenames: set[str]) -> list[str]:
    where = f"embeds[{i}]"
    problems = _too_long(f"{where}.title", embed.get("title"), TITLE)
    problems += _too_long(f"{where}.description", embed.get("description"), DESCRIPTION)
    problems += _too_long(f"{where}.footer.text", (embed.get("footer") or {}).get("text"), FOOTER)
    problems += _too_long(f"{where}.author.name", (embed.get("author") or {}).get("name"), AUTHOR)
    fields = embed.get("fields") or []
    if len(fields) > FIELDS:
        problems.append(f"{where}.fields: {len(fields)} fields > {FIELDS}")
    for j, field in enumerate(fields):
        name, value = field.get("name") or "", field.get("value") or ""
        if not name or not value:
            problems.append(f"{where}.fields[{j}]: name and value are required")
        problems += _too_long(f"{where}.fields[{j}].name", name, FIELD_NAME)
        problems += _too_long(f"{where}.fields[{j}].value", value, FIELD_VALUE)
    for slot in ("image", "thumbnail"):
        url = (embed.get(slot) or {}).get("url") or ""
        if url.startswith("attachment://") and url[len("attachment://"):] not in filenames:
            problems.append(f"{where}.{slot}.url: {url} names no uploaded file")
    return problems


def component_problems(components: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(components) > ACTION_ROWS:
        problems.append(f"components: {len(components)} rows > {ACTION_ROWS}")
    for r, row in enumerate(components):
        children = row.get("components") or []
        selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
        if (selects and len(children) > 1) or len(children) > 5 or not children:
            problems.append(f"components[{r}]: a row holds 1 select or 1-5 buttons")
        for c, child in enumerate(children):
            where = f"components[{r}].components[{c}]"
            problems += _too_long(f"{where}.custom_id", child.get("custom_id"), CUSTOM_ID)
            problems += _too_long(f"{where}.placeholder", child.get("placeholder"), PLACEHOLDER)
            problems += _too_long(f"{where}.label", child.get("label"), 80)
            options = child.get("options")
            if options is not None and not 1 <= len(options) <= SELECT_OPTIONS:
                problems.append(f"{where}.options: {len(options)} not in 1..{SELECT_OPTIONS}")
            for o, option in enumerate(options or []):
                for key in ("label", "value", "description"):
                    problems += _too_long(f"{where}.options[{o}].{key}", option.get(key),
                                          OPTION_TEXT)
    return problems


def message_problems(payload: dict[str, Any], filenames: list[str]) -> list[str]:
    """Every limit a message create/edit payload breaks (empty list: Discord would accept)."""
    problems = _too_long("content", payload.get("content"), CONTENT)
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"embeds: {len(embeds)} embeds > {EMBEDS}")
    names = set(filenames)
    for i, embed in enumerate(embeds):
        problems += embed_problems(embed, i, names)
    total = sum(embed_chars(e) for e in embeds)
    if total > EMBED_TOTAL:
        problems.append(f"embeds: {total} characters in total > {EMBED_TOTAL}")
    if len(filenames) > ATTACHMENTS:
        problems.append(f"attachments: {len(filenames)} files > {ATTACHMENTS}")
    problems += component_problems(payload.get("components") or [])
    if not (payload.get("content") or embeds or filenames or payload.get("components")
            or payload.get("poll")):
        problems.append("Cannot send an empty message")
    return problems


def choices_problems(choices: list[dict[str, Any]]) -> list[str]:
    """An autocomplete result: at most 25 choices, names and values of 1-100 characters."""
    problems = []
    if len(choices) > AUTOCOMPLETE_CHOICES:
        problems.append(f"choices: {len(choices)} > {AUTOCOMPLETE_CHOICES}")
    for i, choice in enumerate(choices):
        problems += _too_long(f"choices[{i}].name", choice.get("name"), OPTION_TEXT)
        problems += _too_long(f"choices[{i}].value", str(choice.get("value")), OPTION_TEXT)
    return problems
