"""Finding English left in a Chinese text: what ``tests/i18n/test_untranslated.py`` reads.

A Chinese report may keep some Latin script: the names the data gives (a protocol, a DEX, a DeFi
category, a stablecoin, a source), tickers and acronyms written in capitals (BTC, USDT, TVL,
UTC) and the figures. Everything else the code writes must be Chinese. So, in each line, after
masking the data's own names and every figure:

- any word of two or more Latin letters that is not all capitals is English ("followed",
  "missing", "Nasdaq", "ChiNext"), unless it is in ``ALLOWED``;
- an all-capitals word is English too when it is an instrument or a market that has a Chinese
  name (``DENIED``: SSE is 上证指数, HK is 港股): the issue asks for those names in Chinese;
- "n/a" is the English word for a missing figure (Chinese writes 暂无);
- a figure written with an English unit or scale ("$563M", "+2.55 pp", "+11 bp") has not been
  re-expressed in Chinese units.

A single English word counts, not only a run of three: "followed" alone in a Chinese sentence is
as untranslated as a whole sentence. Each finding names its line, so a failure reads as a list
of what to translate.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.analysis.crosscheck import short_source
from services.analysis.moves import MARKET_LABEL, SHORT_NAME
from services.i18n.names import QUOTES_ZH
from services.models.history import History
from services.models.snapshot import MarketSnapshot
from services.narration.figures import read_figures

# Latin words Chinese financial writing keeps as they are. Kept small on purpose: each one is
# a term of the trade with no usual Chinese rendering in this context.
ALLOWED: frozenset[str] = frozenset({
    "DeFi",  # 去中心化金融 is spelled out in explanations, but DeFi is the everyday word
    "DefiLlama",  # the data provider the DeFi figures come from: a proper name
    "Chain",  # DefiLlama's own row type, named with "CEX" in the note on what is left out
})
# English names of what has a Chinese name: the indices of the list (and their
# siblings) by their English short names, and the markets.
DENIED: frozenset[str] = frozenset(
    word for quote_id, name in SHORT_NAME.items() if quote_id in QUOTES_ZH
    and quote_id not in ("BTC", "ETH")  # BTC and ETH: tickers Chinese crypto writing uses
    for word in name.split()) | {"US", "HK", "CN"} | {
    w for label in MARKET_LABEL.values() for w in label.split()}

WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z'’&-]*[A-Za-z]|(?<![A-Za-z0-9])[A-Za-z]"
                  r"(?![A-Za-z0-9])")
ENGLISH_FIGURE = re.compile(r"[$]|\d\s?(?:pp|bp)\b|\d(?:\.\d+)?[KMBT]\b")
MISSING_EN = re.compile(r"(?<![A-Za-z])n/a(?![A-Za-z])")
CLI_FRAME = re.compile(r"^----- message \d+/\d+ \(\d[\d,]* chars\) -----$")


@dataclass(frozen=True)
class Finding:
    line: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f"{', '.join(self.words)}  <-  {self.line}"


def data_names(snapshot: MarketSnapshot, history: History | None = None) -> set[str]:
    """The names the data gives, which a Chinese report shows as given: protocols, DEXes,
    DeFi categories, stablecoins, and every source (the snapshot's and the history's)."""
    names = {p.name for p in snapshot.protocols} | {d.name for d in snapshot.dexes}
    names |= {p.category for p in snapshot.protocols if p.category}
    names |= {c.category for c in snapshot.defi_categories}
    names |= {s.symbol for s in snapshot.stablecoins}
    names |= {q.source for q in snapshot.quotes if q.source}
    names |= {s.name for s in snapshot.sources} | {w.source for w in snapshot.warnings}
    for block in (snapshot.crypto_market, snapshot.a_share_breadth):
        if block is not None and block.source:
            names.add(block.source)
    for group in (snapshot.stablecoins, snapshot.protocols, snapshot.dexes,
                  snapshot.defi_categories):
        names |= {item.source for item in group if item.source}
    if history is not None:  # as the report names them (the feed: "Yahoo ^GSPC")
        names |= {short_source(series) for series in history.series.values()}
    return names


def plain_lines(text: str) -> list[str]:
    """``text`` (Markdown or Telegram HTML) as the lines a reader sees, markup removed."""
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = re.sub(r"[*_`]", "", text)
    return [line.strip() for line in text.splitlines()
            if line.strip() and not CLI_FRAME.match(line.strip())]


def _mask(line: str, names: Iterable[str]) -> str:
    for name in sorted(set(names), key=len, reverse=True):
        if name and name in line:
            # A Latin data name, not inside a longer Latin word ("RWA" in "RWAs" is not RWA).
            line = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![a-z])", " ", line)
    chars = list(line)
    for figure in read_figures(line, language="zh"):
        if not ENGLISH_FIGURE.search(figure.text):
            chars[figure.start:figure.end] = " " * (figure.end - figure.start)
    return "".join(chars)


def english_words(line: str, names: Iterable[str] = ()) -> tuple[str, ...]:
    """The English a Chinese ``line`` still has (see the module's rules), in order."""
    found: list[str] = [m.group(0) for m in ENGLISH_FIGURE.finditer(line)]
    found += ["n/a" for _ in MISSING_EN.finditer(line)]
    masked = _mask(MISSING_EN.sub(" ", line), names)
    for m in WORD.finditer(masked):
        word = m.group(0)
        if word in ALLOWED:
            continue
        letters = [c for c in word if c.isalpha()]
        if word in DENIED or (len(letters) >= 2 and not all(c.isupper() for c in letters)):
            found.append(word)
    return tuple(found)


def findings(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """Every line of ``text`` with English left in it."""
    names = tuple(names)
    return [Finding(line, words) for line in plain_lines(text)
            if (words := english_words(line, names))]
