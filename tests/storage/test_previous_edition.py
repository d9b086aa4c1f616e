"""Since the previous edition: read from the stored previous edition (SQLite and PostgreSQL),
compared the same way every time, and "none" on the first edition."""

from __future__ import annotations

from datetime import UTC, datetime

from services.models.report import Narration
from services.narration.template import TemplateNarrator
from services.report.editions import EditionCache, FixedSource
from services.storage import open_database
from services.storage.editions import EditionStore
from tests.support.odd_days import crash_day
from tests.support.snapshots import HK, sample_dict, snapshot_of

BUILT = datetime(2026, 3, 24, 1, 0, tzinfo=UTC)
NARRATION = Narration(key_insight="x", narrator="template")


def _since_text(cache_edition: object) -> str:
    report = cache_edition.report  # type: ignore[attr-defined]
    return "\n".join(str(b) for b in report.section("key_insight").blocks)


async def test_first_edition_says_there_is_none_then_the_next_reads_it(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = EditionStore(db)
        sample, crash = snapshot_of(sample_dict()), snapshot_of(crash_day())
        assert await store.previous(crash.generated_at) is None

        first = EditionCache(FixedSource(sample), TemplateNarrator(), HK,
                             previous=store.previous)
        edition = await first.current()
        assert edition.report.analysis.since_previous.previous_as_of is None
        assert "No previous edition: this is the first one" in _since_text(edition)
        await store.save(edition.id, sample, BUILT, NARRATION)

        # an edition of older data is never "the previous one" of a newer edition's data
        assert await store.previous(sample.generated_at) is None
        assert await store.previous(crash.generated_at) == sample

        second = EditionCache(FixedSource(crash), TemplateNarrator(), HK,
                              previous=store.previous)
        since = (await second.current()).report.analysis.since_previous
        assert since.previous_as_of == sample.generated_at
        assert since.verdict is not None
        assert (since.verdict.before, since.verdict.now) == ("fragmented", "risk-off")
        assert {c.key for c in since.chain} == {"us_hk", "hk_cn", "crypto"}
        assert since.risks_new  # the broad sell-off was not a risk on the sample day
        text = _since_text(await second.current())
        assert "Since the previous edition" in text
        assert "fragmented → risk-off" in text
        assert "Compared with the edition of 2026-03-21 00:30 UTC" in text
    finally:
        await db.close()
