"""What a watch list holds and what screening returns: listed parties and explained hits.

Every loader (our CSV, OpenSanctions, OFAC SDN, UN, EU) produces `WatchListEntry` values; the
screen produces `WatchListHit` values that say which filed field matched which listed name,
alias, address or identifier, and why (the aligned words, what was dropped, what was transliterated).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ACTIONS", "KINDS", "WatchListEntry", "WatchListHit", "WordPair"]

ACTIONS = ("RFS", "DNL")
KINDS = ("person", "organization")


@dataclass(frozen=True, slots=True)
class WatchListEntry:
    """One listed party: a name, its aliases, where it is, how it is identified and what a hit on it
    calls for. `weak_aliases` (OFAC weak AKAs, UN 'Low' quality aliases) hit only when filed exactly;
    `addresses` are further addresses besides `address`; identifiers are (scheme, value) pairs such as
    ('EORI', 'DE123456789012345') or ('INN', '7701234567')."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str | None
    address: str | None
    list_name: str
    action: str  # RFS (request for screening) or DNL (do not load)
    min_score: float | None = None
    weak_aliases: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()
    kind: str | None = None  # person, organization, or None when the list does not say

    @property
    def all_addresses(self) -> tuple[str, ...]:
        """The main address and the further ones."""
        return ((self.address,) if self.address else ()) + self.addresses


@dataclass(frozen=True, slots=True)
class WordPair:
    """One aligned word: the filed word (normalised), the listed word(s) it was matched to, and
    their similarity 0..1; `how` says what made them agree beyond spelling ('joined', 'split',
    'initial', 'phonetic', 'abbreviation')."""

    filed: str
    listed: str
    similarity: float
    how: str = ""


@dataclass(frozen=True, slots=True)
class WatchListHit:
    """A scored candidate: which filed field looked like which listed name, and how much, and why.

    `channel` is what matched: 'name', 'alias', 'weak_alias', 'address' or 'identifier'."""

    entry: WatchListEntry
    field: str  # "shipper.name", "consignee.address", "consignee.identifier", or "name" (screen_name)
    value: str  # as filed
    matched: str  # the entry's name, alias, address or identifier that matched
    score: float  # 0..100, after the country and address adjustments
    action: str
    name_score: float = 0.0  # the name similarity alone
    country_match: bool | None = None  # None when either side has no country
    address_score: float | None = None  # when both sides have an address
    channel: str = "name"
    aligned: tuple[WordPair, ...] = ()  # word alignment of a name hit
    dropped: tuple[str, ...] = ()  # filed or listed words set aside: legal forms, generic, address
    transliterated: str | None = None  # the Latin form a non-Latin listed or filed name was read as

    def explain(self) -> str:
        """One line for a targeting officer: what matched and the features that made the score."""
        parts = [f"{self.channel} '{self.matched}' score {self.score:.1f}"]
        if self.aligned:
            words = ", ".join(
                f"{p.filed}~{p.listed} {p.similarity:.2f}{' ' + p.how if p.how else ''}" for p in self.aligned
            )
            parts.append(f"words {words}")
        if self.dropped:
            parts.append(f"set aside {' '.join(self.dropped)}")
        if self.transliterated:
            parts.append(f"read as '{self.transliterated}'")
        if self.country_match is not None:
            parts.append("country matches" if self.country_match else "country differs")
        if self.address_score is not None:
            parts.append(f"address {self.address_score:.0f}")
        return "; ".join(parts)
