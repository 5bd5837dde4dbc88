"""Tests of the pure generators of the watch-list benchmark (benchmarks/bench_watchlist.py and
benchmarks/watchlist_variants.py): the variants must be what the benchmark says they are."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_watchlist as bench
import watchlist_variants as variants


@pytest.mark.parametrize(
    ("cyrillic", "system", "latin"),
    [
        ("Щукин", "german", "Schtschukin"),
        ("Хрущёв", "german", "Chruschtschow"),
        ("Жуков", "german", "Schukow"),
        ("Щукин", "french", "Chtchoukine"),
        ("Юрий", "icao", "Iurii"),
        ("Сергеевич", "bgn", "Sergeyevich"),
        ("Цыганков", "gost", "Cy'gankov"),
        ("Хрущёв", "gost", "Xrushhyov"),
        ("ООО «Северный Металл»", "bgn", 'OOO "Severnyy Metall"'),
    ],
)
def test_romanisation_systems(cyrillic: str, system: str, latin: str) -> None:
    assert variants.romanise_ru(cyrillic, system) == latin


def test_female_surnames() -> None:
    assert variants.ru_female_surname("Петров") == "Петрова"
    assert variants.ru_female_surname("Чайковский") == "Чайковская"
    assert variants.ru_female_surname("Шевченко") == "Шевченко"


def test_spelled_out_legal_form_replaces_the_listed_one() -> None:
    rng = random.Random(1)
    assert variants.spell_out_legal(rng, "Velmora AG") == "Velmora Aktiengesellschaft"
    assert variants.spell_out_legal(rng, 'OOO "Severnyy Metall"').startswith("Obshchestvo s Ogranichenno")
    assert variants.spell_out_legal(rng, "Velmora Trading Co.,Ltd") in (
        "Velmora Trading Company Limited",
        "Velmora Trading Co. Limited",
    )
    assert variants.spell_out_legal(rng, "Velmora Trading") is None


def test_glued_or_mistyped_legal_form() -> None:
    seen = {variants.glue_or_mistype_legal(random.Random(i), "Velmora GmbH") for i in range(40)}
    assert "VelmoraGmbH" in seen
    assert all(v and v.startswith("Velmora") and v != "Velmora GmbH" for v in seen)
    assert variants.glue_or_mistype_legal(random.Random(1), "Velmora Trading") is None


def test_abbreviation_and_generic_words() -> None:
    rng = random.Random(3)
    assert variants.abbreviate(rng, "Velmora International Trading") in {
        f"Velmora {a} {b}"
        for a in variants.ABBREVIATIONS["International"]
        for b in variants.ABBREVIATIONS["Trading"]
    }
    assert variants.drop_generic(rng, "Velmora General Trading LLC") in (
        "Velmora Trading LLC",
        "Velmora General LLC",
    )
    assert variants.drop_generic(rng, "Trading LLC") is None  # nothing distinctive would be left
    added = variants.add_generic(rng, "Velmora Metals FZE")
    assert added.endswith("FZE") and len(added.split()) == 4


def test_arabic_spelling_differs_from_the_usual_one() -> None:
    rng = random.Random(5)
    for _ in range(50):
        parts = variants.ar_person(rng)
        assert variants.ar_latin(parts, rng, differ=True) != variants.ar_latin(parts)


def test_identifier_is_rewritten_but_keeps_its_digits() -> None:
    rng = random.Random(2)
    for scheme in ("EORI", "INN", "PASSPORT", "PASSPORT-RU"):
        value = variants.make_identifier(rng, scheme)
        for _ in range(10):
            filed = variants.reformat_identifier(rng, scheme, value)
            assert filed != value
            digits = re.sub(r"\D", "", value)
            assert digits in re.sub(r"\D", "", filed)


@pytest.fixture(scope="module")
def maker() -> bench.QueryMaker:
    return bench.QueryMaker(bench.make_listing(3000, 11), 11, 40)


def test_listing_is_deterministic() -> None:
    assert bench.make_listing(1500, 3).entries == bench.make_listing(1500, 3).entries


def test_address_only_name_shares_no_word_with_the_entry(maker: bench.QueryMaker) -> None:
    queries = maker.make("address-only")
    assert len(queries) == 40
    for q in queries:
        entry = maker.listing.by_id[q.entry_id]
        listed_words = {w for t in (entry.name, *entry.aliases) for w in bench.plain_words(t)}
        assert listed_words.isdisjoint(bench.plain_words(q.party.name or ""))
        assert q.listed in entry.all_addresses
        assert q.party.address is not None and q.want == "address"


def test_name_queries_differ_from_what_is_listed(maker: bench.QueryMaker) -> None:
    for kind in ("typo", "order+space", "rom-german", "cyrillic-listed", "legal-spelled-out", "initials"):
        queries = maker.make(kind)
        assert queries, kind
        for q in queries:
            entry = maker.listing.by_id[q.entry_id]
            assert q.filed != q.listed and q.listed in (entry.name, *entry.aliases)


def test_cyrillic_listed_entries_have_no_latin_name(maker: bench.QueryMaker) -> None:
    for q in maker.make("cyrillic-listed"):
        entry = maker.listing.by_id[q.entry_id]
        assert not entry.aliases and re.search("[А-Яа-я]", entry.name)
        assert not re.search("[А-Яа-я]", q.filed)


def test_namesakes_are_not_listed_names(maker: bench.QueryMaker) -> None:
    listed = {bench.plain_key(t) for e in maker.listing.entries for t in (e.name, *e.aliases)}
    for party in maker.namesakes(200):
        assert bench.plain_key(party.name or "") not in listed
