"""The catalogs: every message the code marks is in both languages, translated, with every
placeholder kept; nothing compiled is committed; compiling on first use works from a read-only
package, caches by content, and falls back to memory."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from services.i18n import LANGUAGES, catalogs, translator
from services.i18n.__main__ import extract
from services.i18n.quality import placeholders, problems

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Every message marked in the code now (extracted with Babel into a scratch file)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    original = catalogs.pot_path
    try:
        catalogs.pot_path = lambda: pot  # type: ignore[assignment]
        return extract()
    finally:
        catalogs.pot_path = original  # type: ignore[assignment]


def keys(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(m.id if isinstance(m.id, str) else tuple(m.id), m.context)
            for m in catalog if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_has_a_translation(marked: Catalog, language: str) -> None:
    catalog = catalogs.read_catalog(language)
    missing = keys(marked) - keys(catalog)
    assert not missing, f"run `python -m services.i18n extract` and `update`: {missing}"
    assert problems(catalog) == []


def test_the_template_in_the_repository_is_in_step_with_the_code(marked: Catalog) -> None:
    with catalogs.pot_path().open("rb") as handle:
        committed = read_po(handle)
    assert keys(committed) == keys(marked), "run `python -m services.i18n extract`"


def test_the_quality_check_catches_a_lost_placeholder_and_a_missing_translation() -> None:
    catalog = Catalog(locale="zh")
    catalog.add("Daily edition at {time} {zone}.", "每日 {time} 推送。")
    catalog.add("Edition {id}", "")
    catalog.add("As of {time}", "截至 {when}")
    catalog.add(("{n} answer", "{n} answers"), ("{n} 次回答",))
    assert problems(catalog) == ["'Daily edition at {time} {zone}.': drops zone",
                                 "'Edition {id}': not translated",
                                 "'As of {time}': drops time", "'As of {time}': adds when"]
    assert placeholders("{a} and {b:,} {{literal}}") == {"a", "b"}


def test_nothing_compiled_is_committed() -> None:
    tracked = subprocess.run(["git", "ls-files", "services/i18n"], cwd=ROOT, text=True,
                             capture_output=True, check=True).stdout.split()
    assert [f for f in tracked if f.endswith(".mo")] == []
    assert {f for f in tracked if f.endswith(".po")} == {
        f"services/i18n/locales/{language}/LC_MESSAGES/messages.po" for language in LANGUAGES}


def test_compiled_into_the_first_writable_cache_and_reused(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    cache = tmp_path / "cache"
    data, where = catalogs.compiled("zh", [blocked / "i18n", cache])
    assert where is not None and where.parent == cache and where.read_bytes() == data
    assert where.name.startswith("zh-") and where.suffix == ".mo"
    again, where_again = catalogs.compiled("zh", [cache])
    assert (again, where_again) == (data, where)
    mo = catalogs.Translations(io.BytesIO(data))
    assert mo.gettext("Full report") == "完整报告"


def test_an_edited_catalog_is_compiled_again(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    locales = tmp_path / "locales"
    po = locales / "zh" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(catalogs.po_path("zh").read_bytes())
    monkeypatch.setattr(catalogs, "LOCALES", locales)
    _, first = catalogs.compiled("zh", [tmp_path / "cache"])
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "完整报告"', 'msgstr "全文"'),
                  encoding="utf-8")
    data, second = catalogs.compiled("zh", [tmp_path / "cache"])
    assert first != second  # named after the .po's content: never an older compile
    assert catalogs.Translations(io.BytesIO(data)).gettext("Full report") == "全文"


def test_without_any_writable_cache_it_compiles_in_memory(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    data, where = catalogs.compiled("en", [blocked / "one", blocked / "two"])
    assert where is None and data.startswith(b"\xde\x12\x04\x95")  # the .mo magic number


def test_a_read_only_package_and_home_still_translate(tmp_path: Path) -> None:
    """In a fresh process whose configured cache and home cannot be written (as in a
    read-only image), the catalogs compile into the system temp dir (or memory) and the bot
    speaks Chinese; nothing is written beside the package."""
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(blocked), "XDG_CACHE_HOME": str(blocked),
           "MARKETBOT_I18N_CACHE": str(blocked / "cache"), "TMPDIR": str(blocked)}
    code = ("from services.i18n import translator, catalogs;"
            "print(translator('zh').gettext('Full report'), catalogs.compiled('zh')[1])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                         capture_output=True, check=True).stdout
    said, where = out.split()
    assert said == "完整报告"
    assert where == "None" or not Path(where).is_relative_to(ROOT)
    assert not Path(where).is_relative_to(blocked)


def test_plural_forms_come_from_the_catalogs() -> None:
    en, zh = translator("en"), translator("zh")
    assert en.ngettext("{n} answer", "{n} answers", 1) == "1 answer"
    assert en.translations.ngettext("{n} answer", "{n} answers", 2) == "{n} answers"
    assert zh.translations.plural(1) == zh.translations.plural(5) == 0  # nplurals=1
    line = ("/ask today (UTC): {tokens} Claude tokens in {n} answer, of a {budget} budget.",
            "/ask today (UTC): {tokens} Claude tokens in {n} answers, of a {budget} budget.")
    assert en.ngettext(*line, 1, tokens="10", budget="500,000").endswith("in 1 answer, of a "
                                                                        "500,000 budget.")
    assert en.ngettext(*line, 1234, tokens="10", budget="500,000").endswith(
        "in 1,234 answers, of a 500,000 budget.")
    assert zh.ngettext(*line, 1234, tokens="10", budget="500,000") == \
        "/ask 今日（UTC）：1,234 次回答共用 10 个 Claude token，预算为 500,000。"
