"""Since the previous edition: one block in the Key Insight, what changed in the verdict, the
chain and the risks; on the first edition it says there is none."""

from __future__ import annotations

from dataclasses import replace

from services.analysis import analyze
from services.analysis.since import compare
from services.i18n import translator
from services.models.analysis import LinkState
from services.models.report import Bullets, Heading, Paragraph
from services.narration.template import TemplateNarrator
from services.report.builder import build_report
from services.report.since import since_blocks
from tests.support.odd_days import crash_day
from tests.support.snapshots import HK, analysis_of, sample_dict, snapshot_of


def _texts(blocks: tuple[object, ...]) -> list[str]:
    found: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            found.append(b.text)
        elif isinstance(b, Paragraph):
            found.append(f"{b.lead} {b.text}".strip())
        elif isinstance(b, Bullets):
            found += [f"{p.lead} {p.text}".strip() for p in b.items]
    return found


def test_first_edition_has_none() -> None:
    since = analysis_of(sample_dict()).since_previous
    assert since.previous_as_of is None and since.verdict is None
    report = build_report(analysis_of(sample_dict()),
                          TemplateNarrator().compose(analysis_of(sample_dict())))
    texts = _texts(report.section("key_insight").blocks)
    assert texts.count("Since the previous edition") == 1
    assert "No previous edition: this is the first one, so there is nothing to compare yet." \
        in texts


def test_sample_then_crash_day() -> None:
    before = analysis_of(sample_dict())
    crash = snapshot_of(crash_day())
    now = analyze(crash, crash.generated_at, HK, previous=before)
    since = now.since_previous
    assert since.verdict is not None and since.verdict.changed
    assert (since.verdict.before, since.verdict.now) == ("fragmented", "risk-off")
    keys_then, keys_now = {r.key for r in before.risks}, {r.key for r in now.risks}
    assert set(since.risks_new) == {r.title for r in now.risks if r.key not in keys_then}
    assert set(since.risks_gone) == {r.title for r in before.risks if r.key not in keys_now}
    assert set(since.risks_kept) == {r.title for r in now.risks if r.key in keys_then}
    assert not since.same_sessions
    texts = _texts(build_report(now, TemplateNarrator().compose(now)).section(
        "key_insight").blocks)
    assert "Verdict: fragmented → risk-off" in texts
    chain = next(t for t in texts if t.startswith("Chain:"))
    assert chain.startswith("Chain: unchanged: US → HK (not comparable), HK → A-shares (moved "
                            "together)")
    risks = next(t for t in texts if t.startswith("Risks:"))
    assert risks.startswith("Risks: new: ") and "gone: " in risks


def test_same_data_twice_says_nothing_changed_and_why() -> None:
    a = analysis_of(sample_dict())
    since = compare(a, a)
    assert since.verdict is not None and not since.verdict.changed
    assert all(not c.changed for c in since.chain)
    assert since.risks_new == () and since.risks_gone == ()
    assert since.same_sessions
    texts = _texts(build_report(analyze(snapshot_of(sample_dict()), a.as_of, HK, previous=a),
                                TemplateNarrator().compose(a)).section("key_insight").blocks)
    assert "Verdict: unchanged, still fragmented" in texts
    assert any("same equity sessions" in t for t in texts)


def test_the_block_is_in_chinese_in_a_chinese_report() -> None:
    a = analysis_of(sample_dict())
    zh = build_report(a, TemplateNarrator().compose(a, "zh"), "zh")
    texts = _texts(zh.section("key_insight").blocks)
    assert "与上一期相比" in texts
    assert "无上一期报告：这是第一期，暂无可对比的内容。" in texts


def test_a_changed_link_reads_before_and_after() -> None:
    now = analysis_of(sample_dict())
    links = tuple(replace(link, state=LinkState.APART) if link.key == "hk_cn" else link
                  for link in now.sentiment.links)
    before = replace(now, sentiment=replace(now.sentiment, links=links))
    since = compare(before, now)
    changed = [c for c in since.chain if c.changed]
    assert [(c.label, c.before, c.now) for c in changed] == [
        ("HK → A-shares", "moved apart", "moved together")]
    texts = _texts(since_blocks(since, translator("en")))
    chain = next(t for t in texts if t.startswith("Chain:"))
    assert chain.startswith("Chain: HK → A-shares: moved apart → moved together; unchanged: ")
