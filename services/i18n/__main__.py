"""Keep the catalogs in step with the code, with Babel's own tools.

    python -m services.i18n extract   every marked message of bot/, handlers/ and services/
                                      into locales/messages.pot
    python -m services.i18n update    merge the template into each language's .po (new
                                      messages arrive untranslated; English gets its msgid)
    python -m services.i18n check     one line per message without a translation or with a
                                      placeholder lost; exit status 1 if any
    python -m services.i18n compile   compile every .po into the cache now (at install time)

A message is marked with ``gettext``/``ngettext``/``pgettext`` (the ``Translator`` methods) or
with ``N_`` where it is defined. ``{name}`` placeholders must survive translation.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from services.i18n import catalogs
from services.i18n.languages import LANGUAGES
from services.i18n.quality import problems

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers", "services")
METHODS = [("**/locales/**", "ignore"), ("**.py", "python")]
# Babel's gettext names, the error messages' templates (``services.errors.Say``) and
# discord.py's ``locale_str`` (command descriptions).
KEYWORDS = {**DEFAULT_KEYWORDS, "Say": None, "saying": None, "counted": (1, 2),
            "said": None, "said_counted": (1, 2),
            "locale_str": None}
WIDTH = 100


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=WIDTH, sort_output=True, include_lineno=False,
                 omit_header=False, ignore_obsolete=True)  # a retired message stays in git


def extract() -> Catalog:
    template = Catalog(project="marketbot", domain=catalogs.DOMAIN, charset="utf-8",
                       msgid_bugs_address="", copyright_holder="")
    for folder in SOURCES:
        found: Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]] = (
            extract_from_dir(ROOT / folder, METHODS, keywords=KEYWORDS,
                             comment_tags=("i18n:",), strip_comment_tags=True))
        for filename, lineno, message, comments, context in found:
            template.add(message, None, [(f"{folder}/{filename}", lineno)],
                         auto_comments=comments, context=context)
        for filename, lineno, message, context in nested(ROOT / folder):
            if template.get(message, context=context) is None:
                template.add(message, None, [(f"{folder}/{filename}", lineno)],
                             context=context)
    catalogs.pot_path().parent.mkdir(parents=True, exist_ok=True)
    _write(catalogs.pot_path(), template)
    return template


def nested(folder: Path) -> Iterator[tuple[str, int, str | tuple[str, str], str | None]]:
    """The marked messages Babel's extractor passes over: a call nested in the arguments of
    another marked call (``said("{a}", a=[said("{b}") for …])``), read from the syntax tree.
    Babel's own result stays first; this only adds what it left out."""
    for path in sorted(folder.rglob("*.py")):
        if "locales" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = (node.func.attr if isinstance(node.func, ast.Attribute) else
                    node.func.id if isinstance(node.func, ast.Name) else "")
            spec = KEYWORDS.get(name, False) if not name.startswith("d") else False
            texts = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str)
                     else None for a in node.args]
            where = str(path.relative_to(folder))
            if name in ("pgettext", "npgettext") and len(texts) >= 2 and all(texts[:2]):
                context, first = texts[0], texts[1]
                assert context is not None and first is not None
                plural = texts[2] if name == "npgettext" and len(texts) > 2 else None
                yield where, node.lineno, (first, plural) if plural else first, context
            elif spec is not False and texts and texts[0]:
                singular = texts[0]
                plural = texts[1] if isinstance(spec, tuple) and len(texts) > 1 else None
                yield where, node.lineno, (singular, plural) if plural else singular, None


def update() -> None:
    for language in LANGUAGES:
        with catalogs.pot_path().open("rb") as handle:
            template = read_po(handle)  # read per language: update() shares its messages
        path = catalogs.po_path(language)
        if path.exists():
            catalog = catalogs.read_catalog(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=catalogs.DOMAIN, project="marketbot",
                              charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        if language == "en":  # the msgids are English: English is its own translation
            catalog.fuzzy = False
            for message in catalog:
                if message.id and not any(message.string if isinstance(message.string, tuple)
                                          else (message.string,)):
                    message.string = message.id
        _write(path, catalog)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        template = extract()
        print(f"{catalogs.pot_path()}: {len(template)} messages")
        return 0
    if command == "update":
        update()
        return main(["check"])
    if command == "compile":
        for language in LANGUAGES:
            _, where = catalogs.compiled(language)
            print(f"{language}: {where or 'in memory (no writable cache directory)'}")
        return 0
    if command == "check":
        found = [f"{language}: {line}" for language in LANGUAGES
                 for line in problems(catalogs.read_catalog(language))]
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)", file=sys.stderr)
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
