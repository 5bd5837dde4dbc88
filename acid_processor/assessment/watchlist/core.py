"""Watch-list screening of shipper and consignee names and addresses (denied parties, intelligence).

A hit is a scored candidate for a targeting officer, not a verdict. Lists are CSV files loaded once
at start into a token index (see `_NameIndex`), so that a filing is screened in microseconds even
against 100,000 entries, with the same hits an exhaustive fuzzy scan would give.

Scoring. Names and aliases are normalised (accents, punctuation, legal forms: see `normalise`),
their words sorted, and compared with `rapidfuzz.fuzz.ratio` - that is `token_sort_ratio` on the
normalised names. It forgives typos, word order and dropped legal forms, and unlike `WRatio` or
`token_set_ratio` it does not give 90+ to a short listed name found inside a longer one ('STAR' in
'STAR SHIPPING BREMEN'), which would flood targeting with false candidates. It is also the cheapest
rapidfuzz scorer, which keeps the exhaustive comparison in the benchmark affordable.

A name is a hit when its score >= max(threshold, entry.min_score). When the filing and the entry both
give a country and they differ, the score is lowered by COUNTRY_MISMATCH_PENALTY, but a near-exact name
(>= NEAR_EXACT) stays a hit whatever the country: fronts register abroad and filers mistype countries.
When the entry has an address and the party's address matches it strongly (>= ADDRESS_STRONG), the
score is raised by ADDRESS_BOOST and the address is reported as a hit of its own ('consignee.address').
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

from rapidfuzz import fuzz, process

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.normalise import name_tokens, normalise_address
from acid_processor.assessment.watchlist.entries import WatchListEntry, WatchListHit
from acid_processor.assessment.watchlist.loaders import WatchListSource, load_entries
from acid_processor.model import Address, Party

__all__ = ["PolicyError", "WatchList", "WatchListEntry", "WatchListHit"]

COUNTRY_MISMATCH_PENALTY = 5.0
NEAR_EXACT = 97.0
ADDRESS_STRONG = 90.0
ADDRESS_BOOST = 5.0

# Words so common in trade names that alone they say nothing; not used to find candidates unless a
# name has nothing else (they still count in the score).
_STOP_TOKENS_TEXT = """
    TRADING TRADE TRADERS INTERNATIONAL INTERNACIONAL INTERNATIONALE GROUP GRUPO GRUPPE GLOBAL
    LOGISTICS LOGISTIK LOGISTICA LOGISTIQUE HOLDING HOLDINGS INDUSTRIES INDUSTRIAL INDUSTRY ENTERPRISE
    ENTERPRISES IMPORT EXPORT IMPEX SERVICES SERVICE SOLUTIONS SHIPPING TRANSPORT FREIGHT CARGO EXPRESS
    GENERAL TECHNOLOGY TECHNOLOGIES TECH MANAGEMENT PARTNERS MANUFACTURING COMMERCIAL COMMERCE COMERCIO
    HANDEL HANDELS TICARET SANAYI AND VE
    AL EL BIN BINT IBN ABU ABD DE DA DI DU DEL DOS DAS VAN VON DER DEN LA LE LES LOS
    """
STOP_TOKENS: frozenset[str] = frozenset(_STOP_TOKENS_TEXT.split())
MIN_VARIANT_TOKEN = 3  # words this long or longer are also indexed by their 1-deletion variants


_Block = tuple[array, list[str], array]  # name lengths (ascending), names, name ids


class _NameIndex:
    """Word blocking index, built once. Every word of every listed name and its 1-deletion variants
    (SymSpell-style: a typo or transposition) lead to the names containing it, and so do adjacent word
    pairs written together ('MERDEKA TRUST' = 'MERDEKATRUST'). A query scores the names sharing one of
    its rarest words; how many of its words must be tried comes from the score it must reach: a name
    sharing none of them differs from the query by more edits than the cutoff allows. The names under
    a word are kept as a length-sorted list that rapidfuzz scans directly, only over the lengths that
    can reach the cutoff. Stop words (TRADING, GLOBAL...) lead nowhere unless a name has nothing else.
    """

    def __init__(self, token_lists: list[tuple[str, ...]], texts: list[str]) -> None:
        postings: dict[str, list[int]] = {}
        joined: dict[str, list[int]] = {}
        for nid, tokens in enumerate(token_lists):
            for token in set(_key_tokens(tokens)):
                postings.setdefault(token, []).append(nid)
            for pair in {a + b for a, b in pairwise(tokens)}:
                joined.setdefault(pair, []).append(nid)
        variants: dict[str, list[str]] = {}
        for token in postings:
            for key in _variants(token):
                variants.setdefault(key, []).append(token)
        self._variants = {key: tuple(words) for key, words in variants.items()}
        self._blocks = {token: _block(nids, texts) for token, nids in postings.items()}
        self._texts = texts
        self._joined = {pair: tuple(nids) for pair, nids in joined.items()}  # mostly one name: no block
        # The names near each listed word in one block: a filed word on the list costs one look-up.
        self._near: dict[str, tuple[int, tuple[_Block, ...]]] = {}
        for token in postings:
            words = self._words(_variants(token))
            if len(words) == 1:
                block = self._blocks[token]
            else:
                block = _block(list(set().union(*(postings[w] for w in words))), texts)
            self._near[token] = (len(block[2]), (block,))

    def _small_block(self, nids: tuple[int, ...]) -> _Block:
        return array("I"), [self._texts[n] for n in nids], array("I", nids)

    def _words(self, keys: set[str]) -> set[str]:
        """The listed words sharing a variant with a filed word: those within about one edit."""
        return {w for key in self._variants.keys() & keys for w in self._variants[key]}

    def _lookup(self, keys: set[str]) -> tuple[int, tuple[_Block, ...]]:
        blocks = tuple(self._blocks[w] for w in sorted(self._words(keys)))
        return sum(len(b[2]) for b in blocks), blocks

    def _pieces(self, token: str) -> list[str]:
        """The two listed words, the second maybe with a typo, that an unknown filed word is made of."""
        near, n = self._near, MIN_VARIANT_TOKEN + 1
        for i in range(n, len(token) - n + 1):
            left, right = token[:i], token[i:]
            if (left in near and (right in near or self._words(_variants(right)))) or (
                right in near and self._words(_variants(left))
            ):
                return [left, right]
        return []

    def search(self, tokens: tuple[str, ...], cutoff: float) -> dict[int, float]:
        """Listed name id -> score for the names scoring >= cutoff against a query (words as filed)."""
        query = " ".join(sorted(tokens))
        f = cutoff / 100.0
        longest = len(query) * (2.0 - f) / f  # longer or shorter names cannot reach the cutoff
        shortest = len(query) * f / (2.0 - f)
        budget = (1.0 - f) * (len(query) + longest)  # edits (indel distance) the cutoff allows
        near, joined = self._near, self._joined
        scan: list[_Block] = []
        words = []
        todo = [(token, _miss_cost(token)) for token in set(_key_tokens(tokens))]
        for token, cost in todo:
            found = near.get(token)
            if found is None:
                keys = _variants(token)
                found = self._lookup(keys)
                if not _STOP_VARIANTS.isdisjoint(keys):
                    # TRADNG: a typo of a stop word, which only names made of stop words are indexed by;
                    # look there, but do not count on it to find the others.
                    scan.extend(found[1])
                    continue
            split = joined.get(token)  # filed together, listed apart
            if split:
                scan.append(self._small_block(split))
            if not found[0] and cost == _miss_cost(token):
                pieces = self._pieces(token)  # IVANNOVGHRU: IVAN + NOVGHRU, maybe with a typo
                if pieces:
                    todo.extend((piece, cost / 2) for piece in pieces)
                    continue
            words.append((found[0], cost, found[1]))
        for a, b in pairwise(tokens):
            together = near.get(a + b)  # filed apart, listed together
            if together:
                scan.extend(together[1])
            pair = joined.get(a + b)  # the same two words side by side, one a stop word: rarer than each
            if pair and (a in STOP_TOKENS or b in STOP_TOKENS):
                scan.append(self._small_block(pair))
        # Rarest words first, until a name sharing none of them would be too far from the query.
        cost = 0.0
        for _, miss_cost, blocks in sorted(words, key=lambda w: w[0]):
            if cost > budget:
                break
            cost += miss_cost
            scan.extend(blocks)
        scores: dict[int, float] = {}
        for lengths, texts, nids in scan:
            lo, hi = 0, len(nids)
            if hi > 32 and lengths:
                lo, hi = bisect_left(lengths, shortest), bisect_right(lengths, longest)
                texts = texts[lo:hi]
            for _, score, i in process.extract(
                query, texts, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
            ):
                scores[nids[lo + i]] = score
        return scores


def _block(nids: list[int], texts: list[str]) -> _Block:
    nids = sorted(nids, key=lambda n: len(texts[n]))
    return array("I", [len(texts[n]) for n in nids]), [texts[n] for n in nids], array("I", nids)


def _miss_cost(token: str) -> float:
    """The fewest edits a filed word costs when no listed word is within one edit of it: 3 (two
    deletions cost 2, but are rare), fewer for short words whose variants are not indexed."""
    return 3.0 if len(token) > MIN_VARIANT_TOKEN else 2.0 if len(token) == MIN_VARIANT_TOKEN else 1.0


def _key_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    keys = tuple(t for t in tokens if len(t) >= 2 and t not in STOP_TOKENS)
    return keys or tokens


def _variants(token: str) -> set[str]:
    if len(token) < MIN_VARIANT_TOKEN:
        return {token}
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


_STOP_VARIANTS = frozenset(key for token in STOP_TOKENS for key in _variants(token))


class WatchList:
    """Loaded watch lists with their search index; built once at start, then read-only (thread-safe)."""

    def __init__(
        self, entries: Iterable[WatchListEntry], *, threshold: float = 88.0, version: str = ""
    ) -> None:
        self.entries: tuple[WatchListEntry, ...] = tuple(entries)
        self.threshold = float(threshold)
        self.version = version or _hash_entries(self.entries)
        self._name_entry: list[int] = []  # name id -> entry index
        self._name_text: list[str] = []  # name id -> the name or alias as listed
        self._name_sorted: list[str] = []  # name id -> normalised, words sorted
        token_lists: list[tuple[str, ...]] = []
        for i, entry in enumerate(self.entries):
            for text in dict.fromkeys((entry.name, *entry.aliases)):
                tokens = name_tokens(text)
                if not tokens:
                    continue
                self._name_entry.append(i)
                self._name_text.append(text)
                self._name_sorted.append(" ".join(sorted(tokens)))
                token_lists.append(tokens)
        self._address = [normalise_address(e.address) if e.address else "" for e in self.entries]
        self._index = _NameIndex(token_lists, self._name_sorted)

    @classmethod
    def load(cls, paths: Iterable[WatchListSource | Path | str], *, threshold: float = 88.0) -> WatchList:
        """Read watch-list files in any format `loaders.load_entries` reads (a bare path: detected).

        Raises PolicyError naming the file and line of the first problem found."""
        entries: list[WatchListEntry] = []
        seen: dict[str, str] = {}
        digest = hashlib.sha256()
        for source in map(WatchListSource.of, paths):
            path = source.path
            digest.update(source.fingerprint())
            for line, entry in load_entries(source):
                if entry.id in seen:
                    raise PolicyError(path, line, f"duplicate id '{entry.id}' (first at {seen[entry.id]})")
                seen[entry.id] = f"{path.name} line {line}" if line is not None else path.name
                entries.append(entry)
        return cls(entries, threshold=threshold, version=digest.hexdigest()[:12])

    @classmethod
    def from_entries(cls, entries: Iterable[WatchListEntry], *, threshold: float = 88.0) -> WatchList:
        """A watch list from entries already in memory (tests, other loaders); version hashes them."""
        return cls(entries, threshold=threshold)

    def __len__(self) -> int:
        return len(self.entries)

    def screen_name(self, name: str | None, *, country: str | None = None) -> list[WatchListHit]:
        """Hits for one name, best first; field 'name'. Country, when given, is compared as documented."""
        return [h for h in self._screen(name, country, None, "name", "") if h.field == "name"]

    def screen_party(self, party: Party | None, role: str) -> list[WatchListHit]:
        """Hits for a shipper or consignee (role): '<role>.name' hits, each followed by a
        '<role>.address' hit when the entry's address matches the party's strongly."""
        if party is None or not party.name:
            return []
        address = party.address
        country = address.country_id if address else None
        return self._screen(party.name, country, address, f"{role}.name", f"{role}.address")

    def _screen(
        self, name: str | None, country: str | None, address: Address | None, name_field: str, addr_field: str
    ) -> list[WatchListHit]:
        tokens = name_tokens(name)
        if not tokens:
            return []
        has_address = address is not None and any(
            (address.street, address.po_box, address.postcode, address.city, address.subdivision)
        )
        filed_address: str | None = None  # normalised only when a candidate has an address
        floor = self.threshold - (ADDRESS_BOOST if has_address else 0.0)
        best: dict[int, tuple[float, int]] = {}  # entry index -> (name score, name id)
        for nid, score in self._index.search(tokens, floor).items():
            e = self._name_entry[nid]
            if e not in best or score > best[e][0]:
                best[e] = (score, nid)
        country = country.strip().upper() if country else None
        hits: list[tuple[WatchListHit, WatchListHit | None]] = []
        for e, (name_score, nid) in best.items():
            entry = self.entries[e]
            cutoff = max(self.threshold, entry.min_score or 0.0)
            score = name_score
            country_match = None if not (country and entry.country) else country == entry.country
            if country_match is False:
                score -= COUNTRY_MISMATCH_PENALTY
            address_score = None
            if has_address and self._address[e]:
                if filed_address is None:
                    filed_address = normalise_address(address)
                address_score = fuzz.token_set_ratio(filed_address, self._address[e])
                if address_score >= ADDRESS_STRONG:
                    score = min(100.0, score + ADDRESS_BOOST)
            if score < cutoff and not (name_score >= NEAR_EXACT and name_score >= cutoff):
                continue
            extra = dict(name_score=name_score, country_match=country_match, address_score=address_score)
            hit = WatchListHit(
                entry, name_field, name or "", self._name_text[nid], round(score, 1), entry.action, **extra
            )
            address_hit = None
            if address_score is not None and address_score >= ADDRESS_STRONG:
                assert address is not None and entry.address is not None
                address_hit = WatchListHit(
                    entry,
                    addr_field,
                    _address_as_filed(address),
                    entry.address,
                    round(address_score, 1),
                    entry.action,
                    **extra,
                )
            hits.append((hit, address_hit))
        hits.sort(key=lambda pair: (-pair[0].score, pair[0].entry.id))
        return [h for pair in hits for h in pair if h is not None]


def _address_as_filed(address: Address) -> str:
    parts = (
        address.street,
        address.po_box,
        address.postcode,
        address.city,
        address.subdivision,
        address.country_id,
    )
    return ", ".join(p for p in parts if p)


def _hash_entries(entries: Iterable[WatchListEntry]) -> str:
    digest = hashlib.sha256()
    for e in entries:
        digest.update(repr(e).encode())
    return digest.hexdigest()[:12]
