"""What the data path reads from the bot's settings.

``services`` never imports ``bot``: the bot's ``Settings`` satisfies this protocol structurally,
and tests may pass any object with these attributes.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import SecretStr


class MarketDataSettings(Protocol):
    database_url: str
    yahoo_base_url: str
    eastmoney_base_url: str
    coingecko_base_url: str
    coingecko_api_key: SecretStr | None
    defillama_base_url: str
    defillama_stablecoins_url: str
    provider_timeout_s: float
    provider_attempts: int
    retry_after_cap_s: float
    build_deadline_s: float
    hedge_delay_s: float
    snapshot_ttl_s: float
    history_retention_days: int  # the history store's (a build records its closes)
