"""``/ask`` answers for Telegram (HTML with plain twins), Discord (embeds) and the terminal.

Every dynamic string (the question as typed, Claude's answer, a notice) is escaped for the
platform like any other text; Discord mentions are defused here and disabled on the client.
A keyword-routed answer shows the report's own sections through the report renderers.
"""

from __future__ import annotations

import json
from typing import Any

from services.ask.answer import Answer, Route
from services.i18n import translator
from services.models.report import Report
from services.renderers import discord_embeds, limits, markdown, telegram_html
from services.renderers import telegram_messages as tm
from services.renderers.splitter import split_text

QUESTION_SHOWN = 200  # characters of the question echoed above the answer


def shown_question(answer: Answer) -> str:
    text = answer.question.text
    return text if len(text) <= QUESTION_SHOWN else text[: QUESTION_SHOWN - 1] + "…"


def _q(answer: Answer) -> str:
    """The label before the question, in the answer's language ("Q:", "问：")."""
    return translator(answer.question.language.value).gettext("Q:")


def _units(answer: Answer) -> list[tuple[str, str]]:
    """(HTML, plain) pairs: the question, the notice, the answer, the closing line."""
    esc = telegram_html.escape
    q = shown_question(answer)
    label = _q(answer)
    units = [(f"<b>{esc(label)}</b> {esc(q)}", f"{label} {q}")]
    if answer.notice:
        units.append((f"<i>{esc(answer.notice)}</i>", answer.notice))
    if answer.text:
        units.append((esc(answer.text), answer.text))
    units.append((f"<i>— {esc(answer.closing)}</i>", f"— {answer.closing}"))
    return units


def telegram(answer: Answer, report: Report) -> list[tm.TelegramMessage]:
    """One message (the answer), or for the keyword route the lead message and then the
    sections as ``/crypto`` and the like show them."""
    lead = tm.from_units(_units(answer))
    if answer.route is not Route.SECTIONS:
        return lead
    return lead + tm.render(report, answer.sections)


def discord(answer: Answer, report: Report) -> list[discord_embeds.DiscordMessage]:
    """One embed (the answer), or for the keyword route the lead embed then the sections."""
    esc = discord_embeds.escape
    colour = discord_embeds.VERDICT_COLOUR.get(report.verdict,
                                               discord_embeds.VERDICT_COLOUR["unknown"])
    parts = []
    if answer.notice:
        parts.append(f"*{esc(answer.notice)}*")
    if answer.text:
        parts.append(esc(answer.text))
    body = "\n\n".join(parts) or esc(answer.closing)
    body = split_text(body, limits.DISCORD_EMBED_DESCRIPTION)[0]
    title = split_text(f"{_q(answer)} {shown_question(answer)}", limits.DISCORD_EMBED_TITLE - 8,
                       lambda t: len(esc(t)))[0]
    lead: dict[str, Any] = {"title": esc(title), "description": body, "color": colour,
                            "footer": {"text": answer.closing}}
    messages = [discord_embeds.DiscordMessage(embeds=[lead])]
    if answer.route is Route.SECTIONS:
        messages += discord_embeds.render_messages(report, answer.sections)
    return messages


def plain(answer: Answer, report: Report) -> str:
    """For the terminal: the answer as text, the routed sections as Markdown."""
    lines = [f"{_q(answer)} {answer.question.text}", ""]
    if answer.notice:
        lines += [answer.notice, ""]
    if answer.text:
        lines += [answer.text, ""]
    if answer.route is Route.SECTIONS:
        lines += [markdown.render(report, answer.sections).rstrip(), ""]
    lines.append(f"— {answer.closing}")
    return "\n".join(lines) + "\n"


def to_dict(answer: Answer) -> dict[str, Any]:
    return {"question": answer.question.text, "language": answer.question.language.value,
            "route": answer.route.value, "answer": answer.text, "notice": answer.notice,
            "sections": list(answer.sections), "coverage": answer.coverage,
            "closing": answer.closing, "edition_date": answer.edition_date.isoformat(),
            "rejected_figures": list(answer.rejected), "cached": answer.cached,
            "input_tokens": answer.usage.input, "output_tokens": answer.usage.output,
            "calls": answer.usage.calls}


def to_json(answer: Answer) -> str:
    return json.dumps(to_dict(answer), ensure_ascii=False, indent=2) + "\n"
