"""Watch-list screening: listed parties (entries), the loaders of the list formats, the name index
and scorer, and the `WatchList` that screens a filed shipper or consignee against them."""

from acid_processor.assessment.watchlist.core import (
    COUNTRY_MISMATCH_PENALTY,
    PolicyError,
    WatchList,
    WatchListEntry,
    WatchListHit,
)

__all__ = ["COUNTRY_MISMATCH_PENALTY", "PolicyError", "WatchList", "WatchListEntry", "WatchListHit"]
