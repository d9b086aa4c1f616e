"""Crypto panels: stablecoin supply, DeFi TVL by category, protocols, DEX volume; and the chart."""

from __future__ import annotations

from services.i18n import N_
from services.models.analysis import Analysis, CategoryMove, Mover, StablecoinSummary
from services.renderers.charts import style, words
from services.renderers.charts.canvas import (
    Chart,
    Frame,
    Page,
    Panel,
    box,
    fit,
    missing_panel,
    render,
    text,
)
from services.renderers.charts.labels import data_dates, dated_title, footer
from services.renderers.charts.markets import move_row
from services.renderers.charts.rows import (
    DEFAULT_COLUMNS,
    WIDE_LABELS,
    Row,
    rows_panel,
    signed,
)

DEFI_DIGITS = 1  # DeFi moves are large: one decimal, as in the text report
STABLE_DIGITS = 3  # stablecoin supply moves are small: three decimals, as in the flow map


def stablecoin_rows(summary: StablecoinSummary, detail: bool = True,
                    limit: int = style.MAX_ROWS) -> list[Row]:
    """A row per coin (the first ``limit``) and the net row, which is always shown; ``detail``
    adds each coin's % and supply."""
    F, t = words.fig(), words.tr()
    rows = [Row(f.symbol, f.change_usd, signed(F.usd(f.change_usd, signed=True),
                f.change_usd, 0), digits=0, sub=t.gettext(
                    "{change} to {supply}", change=F.pct(f.change_pct, STABLE_DIGITS),
                    supply=F.usd(f.supply_usd)) if detail else "")
            for f in summary.flows[:limit]]
    net = summary.net_change_usd
    reading = words.word(summary.reading)
    label = t.gettext("Net") if detail else t.gettext("Net ({reading})", reading=reading)
    if net is not None:
        rows.append(Row(label, net, signed(F.usd(net, signed=True), net, 0), digits=0,
                        sub=reading if detail else "", strong=True))
    else:
        unknown = t.join(summary.missing) or t.gettext("a coin")
        rows.append(Row(t.gettext("Net"), None, strong=True,
                        note=t.gettext("unknown: {coins} change missing", coins=unknown)))
    return rows


DASHBOARD_COINS = 5
DASHBOARD_CATEGORIES = 6


def stablecoin_panel(analysis: Analysis, key: str = "stablecoins", detail: bool = True
                     ) -> Panel:
    summary = analysis.crypto.stablecoins
    title = "Stablecoin supply · 1-day change in USD"
    t = words.tr()
    if not summary.flows:
        return missing_panel(key, title, t.gettext("no stablecoin supply in this snapshot"))
    limit = style.MAX_ROWS - 1 if detail else DASHBOARD_COINS
    hidden = len(summary.flows) - limit
    notes = [t.ngettext("{n} more coin in the net, not shown",
                        "{n} more coins in the net, not shown", hidden)] if hidden > 0 else []
    if summary.total_supply_usd is not None:
        notes.append(t.gettext("Tracked supply {amount}",
                               amount=words.fig().usd(summary.total_supply_usd))
                     + (t.gettext(" · coins moved in opposite directions") if summary.mixed
                        else ""))
    rows = stablecoin_rows(summary, detail, limit)
    return rows_panel(key, title, rows, notes, max_rows=len(rows))


def _change_of(name: str | None, movers: tuple[Mover, ...]) -> str:
    found = next((m for m in movers if m.name == name), None)
    return words.fig().pct(found.change_pct, DEFI_DIGITS) if found else words.fig().missing


def category_row(category: CategoryMove, protocols: tuple[Mover, ...], detail: bool = True
                 ) -> Row:
    """A category's average move; ``detail`` adds its top mover and its protocol count."""
    t = words.tr()
    parts = []
    if category.leader:
        parts.append(t.gettext("top {name} {change}", name=category.leader,
                               change=_change_of(category.leader, protocols)))
    if category.anomalies:
        parts.append(f"{style.WARN} " + t.gettext("{n} excluded", n=len(category.anomalies)))
    label = f"{category.category} ({category.counted}/{category.count})" if detail else (
        category.category + (f" {style.WARN}" if category.anomalies else ""))
    return Row(label, category.avg_change_pct, signed(words.fig().pct(
               category.avg_change_pct, DEFI_DIGITS), category.avg_change_pct, DEFI_DIGITS),
               digits=DEFI_DIGITS,
               sub=" · ".join(parts) if detail else "")


def anomaly_notes(movers: tuple[Mover, ...]) -> list[str]:
    flagged = [m for m in movers if m.anomaly]
    if not flagged:
        return []
    t = words.tr()
    listed = t.pgettext("list of problems", "; ").join(
        f"{m.name} {words.fig().pct(m.change_pct, DEFI_DIGITS)}"
        + (t.gettext(" ({reason})", reason=words.word(m.anomaly_reason))
           if m.anomaly_reason else "") for m in flagged)
    return [f"{style.WARN} " + t.gettext("Anomalies, left out of the averages: {listed}",
                                          listed=listed)]


def category_panel(analysis: Analysis, key: str = "tvl", detail: bool = True) -> Panel:
    crypto = analysis.crypto
    weighted = bool(crypto.categories) and all(c.weighted for c in crypto.categories)
    title = ("DeFi TVL by category · 1-day change, TVL-weighted" if weighted else
             "DeFi TVL by category · average 1-day change")
    t = words.tr()
    if not crypto.categories:
        return missing_panel(key, title, t.gettext("no DeFi TVL in this snapshot"))
    rows = [category_row(c, crypto.protocols, detail) for c in crypto.categories]
    notes = [t.gettext("(protocols counted / listed) · top mover of each category")
             ] if detail else []
    return rows_panel(key, title, rows, notes + anomaly_notes(crypto.protocols),
                      max_rows=8 if detail else DASHBOARD_CATEGORIES)


def mover_row(mover: Mover, sub: str = "") -> Row:
    return Row(mover.name, None if mover.anomaly else mover.change_pct,
               signed(words.fig().pct(mover.change_pct, DEFI_DIGITS), mover.change_pct,
                      DEFI_DIGITS),
               digits=DEFI_DIGITS, sub=sub, anomaly=mover.anomaly)


PROTOCOL_CATEGORIES = 5
PER_CATEGORY = 3


def protocol_panel(analysis: Analysis) -> Panel:
    """The protocols of the leading categories, grouped under each (in the categories' order)."""
    crypto = analysis.crypto
    title = "DeFi protocols · 1-day TVL change, by category"
    t = words.tr()
    if not crypto.protocols:
        return missing_panel("protocols", title, t.gettext("no DeFi TVL in this snapshot"))
    rows: list[Row] = []
    hidden = 0
    for category in crypto.categories[:PROTOCOL_CATEGORIES]:
        members = [p for p in crypto.protocols if (p.group or "Uncategorised") ==
                   category.category]
        change = words.fig().pct(category.avg_change_pct, DEFI_DIGITS)
        average = (words.tr().gettext("wtd {change}", change=change) if category.weighted
                   else words.tr().gettext("avg {change}", change=change))
        rows.append(Row(category.category, group=True, note=average))
        rows += [mover_row(p) for p in members[:PER_CATEGORY]]
        hidden += max(len(members) - PER_CATEGORY, 0)
    more = len(crypto.categories) - PROTOCOL_CATEGORIES
    notes = anomaly_notes(crypto.protocols)
    if hidden or more > 0:
        notes.append(t.ngettext("Not shown: {n} smaller mover", "Not shown: {n} smaller movers",
                                hidden) + (t.ngettext(", {n} more category",
                                                      ", {n} more categories", more)
                                           if more > 0 else ""))
    return rows_panel("protocols", title, rows, notes, max_rows=len(rows))


def dex_panel(analysis: Analysis) -> Panel:
    dexes = analysis.crypto.dexes
    title = "DEX volume · 1-day change"
    t, F = words.tr(), words.fig()
    if not dexes:
        return missing_panel("dex", title, t.gettext("no DEX volume in this snapshot"))
    rows = [mover_row(d, sub=t.gettext("24h {volume}", volume=F.usd(d.value_usd))
                      + (f" · {F.usd(d.change_usd, signed=True)}" if d.change_usd is not None
                         else "")) for d in dexes]
    # Chinese amounts are longer (3.45亿美元 for $345M): the second lines get the wide labels.
    columns = WIDE_LABELS if t.language == "zh" else DEFAULT_COLUMNS
    return rows_panel("dex", title, rows, anomaly_notes(dexes), max_rows=6, columns=columns)


TILES_IN = 0.95
VOLUME_TILE = N_("24h volume")


def tiles_panel(analysis: Analysis) -> Panel:
    """BTC, ETH, total market cap and volume as four large figures."""
    crypto = analysis.crypto
    btc, eth = crypto.btc, crypto.eth
    t, F = words.tr(), words.fig()
    volume = t.gettext(VOLUME_TILE)
    tiles = [
        ("BTC", F.price_usd(btc.close) if btc else F.missing,
         btc.change_pct if btc else None, 2),
        ("ETH", F.price_usd(eth.close) if eth else F.missing,
         eth.change_pct if eth else None, 2),
        (t.gettext("Market cap"), F.usd(crypto.total_market_cap_usd),
         crypto.market_cap_change_pct, 2),
        (volume, F.usd(crypto.total_volume_usd), None, 2),
    ]

    if all(change is None and figure == F.missing for _, figure, change, _ in tiles):
        return missing_panel("majors", "Crypto market",
                             t.gettext("no coin quotes or market totals"))

    def draw(frame: Frame) -> None:
        gap = 0.08
        width = (style.WIDTH_IN - 2 * style.MARGIN_IN - 3 * gap) / 4
        for i, (name, figure, change, digits) in enumerate(tiles):
            x = style.MARGIN_IN + i * (width + gap)
            frame.add_patch(box(x, 0.04, width, TILES_IN - style.HEADING_IN - 0.04))
            centre = x + width / 2
            text(frame, centre, 0.50, name, style.SMALL_PT, colour=style.SOFT_INK, ha="center")
            text(frame, centre, 0.33, fit(figure, width - 0.06, style.BODY_PT, bold=True),
                 style.BODY_PT, weight="bold", ha="center")
            if name != volume:
                shown = signed(F.pct(change), change, digits) if change is not None \
                    else F.missing
                text(frame, centre, 0.15, shown, style.SMALL_PT, weight="bold", ha="center",
                     colour=style.sign_colour(change, digits))

    return Panel("majors", "Crypto market", TILES_IN, draw)


def build(analysis: Analysis) -> Chart:
    crypto = analysis.crypto
    others = [move_row(m) for m in crypto.others]
    panels = [tiles_panel(analysis), stablecoin_panel(analysis), protocol_panel(analysis),
              dex_panel(analysis)]
    if others:
        panels.insert(1, rows_panel("coins", "Other coins · 1-day change", others, max_rows=6))
    t = words.tr()
    subtitle = t.gettext("ETH against BTC {spread}",
                         spread=words.fig().pp(crypto.eth_btc_spread_pp)) \
        if crypto.eth_btc_spread_pp is not None else t.gettext("Crypto and DeFi, one day")
    return render(Page(dated_title("Crypto & DeFi", analysis, ("CRYPTO",)), subtitle,
                       panels, footer(analysis), dates=data_dates(analysis, ("CRYPTO",))))
