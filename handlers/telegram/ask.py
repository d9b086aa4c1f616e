"""``/ask QUESTION``: an answer from the current edition, every figure checked."""

from __future__ import annotations

from telegram import Update

from handlers.telegram.common import chat_of, edition, reply
from handlers.telegram.deps import PLATFORM, Context, deps
from handlers.telegram.send import chat_action
from services.errors import InputError
from services.i18n import N_
from services.renderers import answers


def question_of(update: Update) -> str:
    """The text after ``/ask`` (or ``/ask@bot``), spacing kept."""
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1) if message else []
    return parts[1] if len(parts) > 1 else ""


def who(update: Update) -> str:
    """The rate limit's key: the user, or the chat for a channel post."""
    user = update.effective_user
    return f"{PLATFORM}:{user.id}" if user is not None else f"{PLATFORM}:chat:{chat_of(update)}"


async def ask(update: Update, context: Context) -> None:
    """/ask QUESTION: Claude's checked answer, the edition's figures, or the matching sections."""
    service = deps(context).ask
    if service is None:
        raise InputError(N_("Questions are not available on this bot."))
    question = service.prepare(question_of(update), who(update))
    chat = chat_of(update)
    current = await edition(context, chat)
    async with chat_action(context.bot, chat):
        answer = await service.answer(current, question)
    await reply(context, update, answers.telegram(answer, current.report))
