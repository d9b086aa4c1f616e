"""The gettext catalogs: ``.po`` files in the repository, compiled to ``.mo`` on first use.

Only the ``.po`` sources are committed. The first ``load(language)`` in a process compiles
``locales/<language>/LC_MESSAGES/messages.po`` with Babel into a cache directory and reads the
``.mo`` from there; later processes reuse it. The compiled file is named after a digest of the
``.po`` bytes, so an edited catalog is recompiled (a ``.mo`` older than its ``.po`` is never
read) and two versions of the bot can share one cache.

Where the cache lives, first that can be written:

    $MARKETBOT_I18N_CACHE                          (set it in a read-only deployment)
    $XDG_CACHE_HOME/marketbot/i18n, else ~/.cache/marketbot/i18n
    <system temp dir>/marketbot-i18n-<uid>

If none can be written (a read-only file system), the catalog is compiled in memory for this
process; nothing fails. ``python -m services.i18n compile`` does the same ahead of time (at
install or in a Docker build) and prints where the files went.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

log = logging.getLogger(__name__)

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
CACHE_ENV = "MARKETBOT_I18N_CACHE"


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def pot_path() -> Path:
    return LOCALES / f"{DOMAIN}.pot"


def read_catalog(language: str) -> Catalog:
    """The ``.po`` of ``language`` as Babel reads it (fuzzy entries kept, marked)."""
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def compile_catalog(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog`` (fuzzy translations left out, as msgfmt does)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def cache_dirs() -> list[Path]:
    """Where compiled catalogs may be kept, most preferred first."""
    found: list[Path] = []
    if os.environ.get(CACHE_ENV):
        found.append(Path(os.environ[CACHE_ENV]))
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    found.append(base / "marketbot" / "i18n")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    found.append(Path(tempfile.gettempdir()) / f"marketbot-i18n-{uid}")
    return found


def mo_name(language: str, source: bytes) -> str:
    return f"{language}-{hashlib.sha256(source).hexdigest()[:16]}.mo"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` so a reader never sees half a file (a temp file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def compiled(language: str, dirs: list[Path] | None = None) -> tuple[bytes, Path | None]:
    """The ``.mo`` bytes of ``language`` and the file they were read from or written to
    (``None``: compiled in memory, no cache directory was writable)."""
    source = po_path(language).read_bytes()
    name = mo_name(language, source)
    candidates = cache_dirs() if dirs is None else dirs
    for folder in candidates:
        path = folder / name
        try:
            return path.read_bytes(), path
        except OSError:
            continue
    with io.BytesIO(source) as handle:
        data = compile_catalog(read_po(handle, locale=language, domain=DOMAIN))
    for folder in candidates:
        path = folder / name
        try:
            _write_atomically(path, data)
        except OSError as exc:
            log.debug("i18n cache %s not writable (%s)", folder, exc.strerror or exc)
            continue
        return data, path
    log.info("no writable cache for the %s catalog: compiled in memory", language)
    return data, None


def load(language: str) -> Translations:
    """The translations of ``language``, compiled first if need be."""
    data, _ = compiled(language)
    return Translations(io.BytesIO(data), domain=DOMAIN)
