"""Tokens spent per UTC day: one row per (day, scope), incremented atomically, so two
instances of the bot share one daily budget and a restart keeps the day's count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from services.storage.db import Database
from services.storage.tables import TokenUsageRow


@dataclass(frozen=True)
class DayUsage:
    day: date
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    answers: int = 0

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class UsageStore:
    def __init__(self, db: Database, scope: str = "ask") -> None:
        self._db = db
        self.scope = scope

    async def add(self, day: date, input_tokens: int, output_tokens: int, calls: int,
                  answers: int = 1) -> None:
        """Add one answer's cost to ``day`` (``INSERT … ON CONFLICT DO UPDATE``: concurrent
        adds from any number of processes all count)."""
        from sqlalchemy.dialects import postgresql, sqlite

        dialect = postgresql if self._db.dialect == "postgresql" else sqlite
        insert = dialect.insert(TokenUsageRow).values(
            day=day, scope=self.scope, input_tokens=input_tokens, output_tokens=output_tokens,
            calls=calls, answers=answers, updated_at=datetime.now(UTC))
        row = TokenUsageRow
        statement = insert.on_conflict_do_update(
            index_elements=["day", "scope"],
            set_={"input_tokens": row.input_tokens + insert.excluded.input_tokens,
                  "output_tokens": row.output_tokens + insert.excluded.output_tokens,
                  "calls": row.calls + insert.excluded.calls,
                  "answers": row.answers + insert.excluded.answers,
                  "updated_at": insert.excluded.updated_at})
        async with self._db.sessions.begin() as session:
            await session.execute(statement)

    async def day(self, day: date) -> DayUsage:
        async with self._db.sessions() as session:
            row = await session.scalar(select(TokenUsageRow).where(
                TokenUsageRow.day == day, TokenUsageRow.scope == self.scope))
        if row is None:
            return DayUsage(day)
        return DayUsage(day, row.input_tokens, row.output_tokens, row.calls, row.answers)
