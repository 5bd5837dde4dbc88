"""The watch list's other ways in: a listed address and a listed identifier hit on their own.

A front changes its name more easily than its premises or its registration: a party filed at a
listed address, or under a listed registration, tax, EORI or passport number, is a candidate
whatever name it uses.

Addresses are compared normalised (street words shortened, punctuation gone: `normalise_address`),
order-free (`token_set_ratio`), and only when every number of the listed address (house number,
postcode) is also in the filed one - numbers are where two addresses on the same street differ.
Identifiers are compared exactly after removing separators and case ('DE 1234-5678' = 'de12345678'),
with or without the letters in front (a country prefix, or 'INN', 'EORI', 'PP' typed into the field).
"""

from __future__ import annotations

import re
from itertools import combinations

from rapidfuzz import fuzz

from acid_processor.assessment.normalise import normalise_address
from acid_processor.assessment.watchlist.entries import WatchListEntry
from acid_processor.model import Address

__all__ = ["ADDRESS_STRONG", "AddressIndex", "IdentifierIndex", "normalise_identifier"]

ADDRESS_STRONG = 90.0
_MAX_POSTING = 64  # an address word on more listed addresses than this finds nothing
_MIN_IDENTIFIER = 5
_MIN_NUMBER = 6  # digits left once the letters in front are gone: shorter ones are too common
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


def normalise_identifier(value: str | None) -> tuple[str, ...]:
    """The forms an identifier is looked up by: separators and case removed, and without the
    letters in front (a country prefix or the scheme's name written into the field) when a long
    enough number is left ('EORI: DE-123 456 789' -> ('EORIDE123456789', '123456789'))."""
    if not value:
        return ()
    text = _NOT_ALNUM.sub("", value.upper())
    if len(text) < _MIN_IDENTIFIER:
        return ()
    number = text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if number != text and len(number) >= _MIN_NUMBER and number[0].isdigit():
        return (text, number)
    return (text,)


class IdentifierIndex:
    """Listed identifiers by normalised value: entry index, scheme and value as listed."""

    def __init__(self, entries: tuple[WatchListEntry, ...]) -> None:
        self._by_value: dict[str, list[tuple[int, str, str]]] = {}
        for e, entry in enumerate(entries):
            for scheme, value in entry.identifiers:
                for form in normalise_identifier(value):
                    self._by_value.setdefault(form, []).append((e, scheme, value))

    def __bool__(self) -> bool:
        return bool(self._by_value)

    def lookup(self, value: str | None) -> list[tuple[int, str, str]]:
        """(entry index, scheme, listed value) of the entries holding this identifier."""
        found: dict[tuple[int, str], tuple[int, str, str]] = {}
        for form in normalise_identifier(value):
            for hit in self._by_value.get(form, ()):
                found.setdefault((hit[0], hit[2]), hit)
        return list(found.values())


def _keys(words: list[str]) -> list[str | tuple[str, str]]:
    """A filed address's look-up keys: its long numbers alone, and every pair of its words (the
    first twelve in sorted order - numbers first - words of one letter left out)."""
    kept = sorted({w for w in words if len(w) >= 2})[:12]
    keys: list[str | tuple[str, str]] = [w for w in kept if len(w) >= 4 and w.isdigit()]
    keys.extend(combinations(kept, 2))  # pairs as tuples: made and hashed in C
    return keys


def _listed_keys(words: list[str]) -> list[str | tuple[str, str]]:
    """A listed address's keys, each one the filed address must produce to match: a filed address
    must carry every number of the listed one, so an address with two numbers (house number and
    postcode) is keyed by pairs of its numbers, one with a single number by that number paired with
    each word, and only one without numbers by every pair of its words. Pairs of plain words
    ('HAMBURG', 'ST') would find every listed address in the street, only to be refused."""
    kept = sorted({w for w in words if len(w) >= 2})[:12]
    numeric = [w for w in kept if _HAS_DIGIT.search(w)]
    if len(kept) == 1:
        return [kept[0]] if len(kept[0]) >= 4 and kept[0].isdigit() else []
    if len(numeric) >= 2:
        return list(combinations(numeric, 2))
    if numeric:
        return [(a, b) for a, b in combinations(kept, 2) if a == numeric[0] or b == numeric[0]]
    return list(combinations(kept, 2))


def _numbers(words: list[str]) -> frozenset[str]:
    return frozenset(filter(_HAS_DIGIT.search, words))


_HAS_DIGIT = re.compile(r"[0-9]")


class AddressIndex:
    """Listed addresses by pairs of their words, a pair holding one of their numbers when they have
    any (('239', 'VICTORIA'); see `_listed_keys`): a filed address finds a listed one in one look-up
    per pair of its own words, however common each word is alone."""

    def __init__(self, entries: tuple[WatchListEntry, ...]) -> None:
        self._texts: list[str] = []
        self._owner: list[tuple[int, str]] = []  # address id -> (entry index, address as listed)
        self._numbers: list[frozenset[str]] = []
        self._of_entry: dict[int, list[int]] = {}  # entry index -> its address ids
        postings: dict[str | tuple[str, str], list[int]] = {}
        for e, entry in enumerate(entries):
            for listed in entry.all_addresses:
                normal = normalise_address(listed)
                words = normal.split()
                if len(words) < 2:
                    continue
                aid = len(self._texts)
                self._texts.append(normal)
                self._owner.append((e, listed))
                self._numbers.append(_numbers(words))
                self._of_entry.setdefault(e, []).append(aid)
                for key in _listed_keys(words):
                    postings.setdefault(key, []).append(aid)
        self._postings = {k: ids for k, ids in postings.items() if len(ids) <= _MAX_POSTING}

    def __bool__(self) -> bool:
        return bool(self._texts)

    def lookup(self, normal: str) -> list[tuple[int, str, float]]:
        """(entry index, address as listed, score) of listed addresses matching a filed one."""
        words = normal.split()
        found: set[int] = set()
        for ids in map(self._postings.get, _keys(words)):
            if ids is not None:
                found.update(ids)
        numbers = _numbers(words)
        out = []
        for aid in found:
            if not self._numbers[aid] <= numbers:
                continue  # another house number or postcode
            score = fuzz.token_set_ratio(normal, self._texts[aid])
            if score >= ADDRESS_STRONG:
                e, listed = self._owner[aid]
                out.append((e, listed, score))
        return out

    def has(self, e: int) -> bool:
        """Whether entry e has an address to compare with."""
        return e in self._of_entry

    def score_entry(self, e: int, normal: str) -> tuple[float, str] | None:
        """The best (score, address as listed) of entry e's addresses against a filed one
        (normalised); an address with a house number or postcode the filed one lacks scores < 90."""
        best: tuple[float, str] | None = None
        numbers = _numbers(normal.split())
        for aid in self._of_entry.get(e, ()):
            score = fuzz.token_set_ratio(normal, self._texts[aid])
            if not self._numbers[aid] <= numbers:
                score = min(score, ADDRESS_STRONG - 1)
            if best is None or score > best[0]:
                best = (score, self._owner[aid][1])
        return best


def filed_address_text(address: Address) -> str:
    """The filed address as one readable line (the hit's value)."""
    parts = (
        address.street,
        address.po_box,
        address.postcode,
        address.city,
        address.subdivision,
        address.country_id,
    )
    return ", ".join(p for p in parts if p)
