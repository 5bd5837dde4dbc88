"""Watch-list screening of shipper and consignee names, addresses and identifiers (denied parties).

A hit is a scored candidate for a targeting officer, not a verdict. Lists are loaded once at start
(see `loaders`) into a name index (`index.NameIndex`), an address index and an identifier index, so
that a filing is screened in microseconds against 100,000 entries.

Names. Both sides are prepared the same way (`names.prepare`: any script read in Latin, legal forms
of every language dropped, generic trade words weighed at a third, address words typed into a
filed name and listed patronymics made optional) and scored by aligning word to word
(`scorer.align`), so word order, a typo in a word's first letter, words glued together or split,
romanisation and spelling variants cost only what they change. Every hit says which words were
aligned, how alike they were and what was set aside (`WatchListHit.explain`).

A name is a hit when its score >= max(threshold, entry.min_score). When the filing and the entry both
give a country and they differ, the score is lowered by COUNTRY_MISMATCH_PENALTY, but a near-exact name
(>= NEAR_EXACT) stays a hit whatever the country: fronts register abroad and filers mistype countries.
When the entry has an address and the party's address matches it strongly (>= ADDRESS_STRONG), the
score is raised by ADDRESS_BOOST and the address is reported as a hit of its own ('consignee.address').
A listed address or identifier hits on its own too, whatever the name (`channels`). Weak aliases
(OFAC's weak AKAs, the UN's low-quality ones) hit only when filed exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.normalise import normalise_address
from acid_processor.assessment.watchlist.channels import (
    ADDRESS_STRONG,
    AddressIndex,
    IdentifierIndex,
    filed_address_text,
)
from acid_processor.assessment.watchlist.consonants import (
    CONSONANT_SCORE,
    filed_skeleton,
    filed_words,
    listed_skeleton,
    listed_words,
)
from acid_processor.assessment.watchlist.entries import WatchListEntry, WatchListHit, WordPair
from acid_processor.assessment.watchlist.index import NameIndex
from acid_processor.assessment.watchlist.loaders import WatchListSource, load_entries
from acid_processor.assessment.watchlist.names import PreparedName, form_cuts, prepare, readings
from acid_processor.assessment.watchlist.scorer import align
from acid_processor.model import Address, Party

__all__ = ["PolicyError", "WatchList", "WatchListEntry", "WatchListHit"]

COUNTRY_MISMATCH_PENALTY = 5.0
NEAR_EXACT = 97.0
ADDRESS_BOOST = 5.0


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
        self._names: list[PreparedName] = []  # name id -> prepared for the scorer
        self._weak: dict[tuple[str, ...], list[tuple[int, str]]] = {}  # weak aliases, exact only
        # Names in Arabic script by their consonants (see `consonants`): skeletons -> name ids.
        self._consonants: dict[tuple[str, ...], list[int]] = {}
        for i, entry in enumerate(self.entries):
            for text in dict.fromkeys((entry.name, *entry.aliases)):
                skeleton = listed_skeleton(text)
                for prepared in readings(text):
                    if not prepared.words:
                        continue
                    if skeleton is not None:
                        self._consonants.setdefault(skeleton, []).append(len(self._names))
                        skeleton = None
                    self._name_entry.append(i)
                    self._name_text.append(text)
                    self._names.append(prepared)
            for text in entry.weak_aliases:
                words = tuple(sorted(prepare(text).words))
                if words:
                    self._weak.setdefault(words, []).append((i, text))
        # Every skeleton word listed: a filed name is reduced only while its words are among them.
        self._consonant_words = frozenset(w for skeleton in self._consonants for w in skeleton)
        self._index = NameIndex(self._names)
        self._addresses = AddressIndex(self.entries)
        self._identifiers = IdentifierIndex(self.entries)

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

    def clear_caches(self) -> None:
        """Forget prepared filed names and looked-up words (benchmarks measure cold screening)."""
        prepare.cache_clear()
        form_cuts.cache_clear()  # asked of filed words only
        self._index.clear_caches()

    def __len__(self) -> int:
        return len(self.entries)

    def screen_name(self, name: str | None, *, country: str | None = None) -> list[WatchListHit]:
        """Hits for one name, best first; field 'name'. Country, when given, is compared as documented."""
        return self._screen_name(name, country, None, "name", "", [])

    def screen_party(self, party: Party | None, role: str) -> list[WatchListHit]:
        """Hits for a shipper or consignee (role), best first: '<role>.name' hits (each followed by a
        '<role>.address' hit when the entry's address matches the party's strongly), then the
        entries hit by the party's address alone ('<role>.address') or by one of its identifiers
        ('<role>.identifier'), whatever name it was filed under."""
        if party is None:
            return []
        address = party.address
        country = address.country_id if address else None
        normal = normalise_address(address) if address is not None and self._addresses else ""
        at_address = self._addresses.lookup(normal) if normal else []
        hits = self._screen_name(party.name, country, address, role, normal, at_address)
        seen = {(h.entry.id, h.channel) for h in hits}
        more: list[WatchListHit] = []
        if address is not None and at_address:
            for e, listed, score in at_address:
                entry = self.entries[e]
                if (entry.id, "address") in seen or score < max(self.threshold, entry.min_score or 0.0):
                    continue
                if len(entry.all_addresses) == 1 and _country_match(country, entry) is False:
                    continue  # the same street and number in another country is another address
                seen.add((entry.id, "address"))
                more.append(
                    WatchListHit(
                        entry, f"{role}.address", filed_address_text(address), listed, round(score, 1),
                        entry.action, address_score=round(score, 1), channel="address",
                        country_match=_country_match(country, entry),
                    )
                )  # fmt: skip
        if self._identifiers:
            for value in dict.fromkeys(v for v in (party.primary_id, party.account_id) if v):
                for e, scheme, listed in self._identifiers.lookup(value):
                    entry = self.entries[e]
                    if (entry.id, "identifier") in seen:
                        continue
                    seen.add((entry.id, "identifier"))
                    more.append(
                        WatchListHit(
                            entry, f"{role}.identifier", value, f"{scheme} {listed}", 100.0, entry.action,
                            channel="identifier", country_match=_country_match(country, entry),
                        )
                    )  # fmt: skip
        more.sort(key=lambda h: (-h.score, h.entry.id, h.channel))
        return hits + more

    def _screen_name(
        self,
        name: str | None,
        country: str | None,
        address: Address | None,
        role: str,
        filed_address: str,
        at_address: list[tuple[int, str, float]],
    ) -> list[WatchListHit]:
        """Name hits (and the address hits that go with them); field '<role>.name' or 'name'.
        `at_address` are the entries whose address matches the filed one (normalised)."""
        if not name:
            return []
        city = address.city if address is not None else None
        query = prepare(name, filed=True, city=city)
        if not query.words:
            return []
        name_field = "name" if role == "name" else f"{role}.name"
        # Entries at the filed address: their names count from the threshold less the address boost.
        boosted = {e for e, _, _ in at_address}
        floor = self.threshold - (ADDRESS_BOOST if boosted else 0.0)
        best: dict[int, tuple[float, int, tuple[WordPair, ...]]] = {}  # entry -> (score, name id, pairs)
        for nid in self._index.candidates(query, floor).tolist():
            e = self._name_entry[nid]
            score, pairs = align(query, self._names[nid])
            if score < self.threshold and not (score >= floor and e in boosted):
                continue
            if e not in best or score > best[e][0]:
                best[e] = (score, nid, pairs)
        if self._consonants:
            skeleton = filed_skeleton(query.words, self._consonant_words)
            for nid in self._consonants.get(skeleton, ()) if skeleton else ():
                e = self._name_entry[nid]
                if e not in best or best[e][0] < CONSONANT_SCORE:
                    best[e] = (CONSONANT_SCORE, nid, _consonant_pairs(query, self._name_text[nid]))
        for e, _text in self._weak.get(tuple(sorted(query.words)), ()):
            if e not in best:
                best[e] = (100.0, -1, ())
        country = country.strip().upper() if country else None
        hits: list[tuple[WatchListHit, WatchListHit | None]] = []
        for e, (name_score, nid, pairs) in best.items():
            entry = self.entries[e]
            cutoff = max(self.threshold, entry.min_score or 0.0)
            score = name_score
            country_match = _country_match(country, entry)
            if country_match is False:
                score -= COUNTRY_MISMATCH_PENALTY
            address_score = None
            address_listed = None
            if filed_address and self._addresses.has(e):
                found = self._addresses.score_entry(e, filed_address)
                if found is not None:
                    address_score, address_listed = found
                    if address_score >= ADDRESS_STRONG:
                        score = min(100.0, score + ADDRESS_BOOST)
            if score < cutoff and not (name_score >= NEAR_EXACT and name_score >= cutoff):
                continue
            if nid < 0:
                matched = next(t for i, t in self._weak[tuple(sorted(query.words))] if i == e)
                channel = "weak_alias"
            else:
                matched = self._name_text[nid]
                channel = "name" if matched == entry.name else "alias"
            listed = self._names[nid] if nid >= 0 else None
            extra = dict(
                name_score=round(name_score, 1),
                country_match=country_match,
                address_score=None if address_score is None else round(address_score, 1),
                channel=channel,
                aligned=pairs,
                dropped=tuple(
                    dict.fromkeys(
                        query.dropped
                        + (listed.dropped if listed else ())
                        + tuple(w for w, o in zip(query.words, query.optional, strict=True) if o)
                    )
                ),
                transliterated=query.latin or (listed.latin if listed else None),
            )  # fmt: skip
            hit = WatchListHit(entry, name_field, name, matched, round(score, 1), entry.action, **extra)
            address_hit = None
            if address_score is not None and address_score >= ADDRESS_STRONG:
                assert address is not None and address_listed is not None
                address_hit = WatchListHit(
                    entry,
                    f"{role}.address",
                    filed_address_text(address),
                    address_listed,
                    round(address_score, 1),
                    entry.action,
                    **{**extra, "channel": "address", "aligned": (), "dropped": (), "transliterated": None},
                )
            hits.append((hit, address_hit))
        hits.sort(key=lambda pair: (-pair[0].score, pair[0].entry.id))
        return [h for pair in hits for h in pair if h is not None]


def _consonant_pairs(query: PreparedName, listed: str) -> tuple[WordPair, ...]:
    """The filed words and the listed Arabic words with the same consonants, for the explanation."""
    by_skeleton = dict(listed_words(listed))
    return tuple(
        WordPair(word, by_skeleton[skeleton], CONSONANT_SCORE / 100, "consonants")
        for skeleton, word in filed_words(query.words)
        if skeleton in by_skeleton
    )


def _country_match(country: str | None, entry: WatchListEntry) -> bool | None:
    country = country.strip().upper() if country else None
    return None if not (country and entry.country) else country == entry.country


def _hash_entries(entries: Iterable[WatchListEntry]) -> str:
    digest = hashlib.sha256()
    for e in entries:
        digest.update(repr(e).encode())
    return digest.hexdigest()[:12]
