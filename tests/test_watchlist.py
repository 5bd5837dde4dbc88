"""Tests of watch-list screening: normalisation, scoring rules, CSV loading and index recall."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.normalise import (
    name_tokens,
    normalise_address,
    normalise_text,
)
from acid_processor.assessment.watchlist import (
    COUNTRY_MISMATCH_PENALTY,
    WatchList,
    WatchListEntry,
)
from acid_processor.assessment.watchlist.names import prepare, word_key
from acid_processor.assessment.watchlist.scorer import align, word_similarity
from acid_processor.model import Address, Party

SAMPLE = Path(__file__).resolve().parents[1] / "acid_processor/policy/watchlists/sample-watchlist.csv"
HEADER = "id,name,aliases,country,address,list_name,action,min_score\n"


def entry(
    id: str,
    name: str,
    *aliases: str,
    country: str | None = None,
    address: str | None = None,
    action: str = "RFS",
    min_score: float | None = None,
) -> WatchListEntry:
    return WatchListEntry(id, name, aliases, country, address, "TEST-LIST", action, min_score)


@pytest.fixture(scope="module")
def wl() -> WatchList:
    return WatchList.from_entries(
        [
            entry(
                "E1",
                "Velmora Trading FZE",
                "Velmora General Trading",
                country="AE",
                action="DNL",
                address="Plot S30712, Jebel Ali Free Zone, Dubai",
            ),
            entry(
                "E2", "Kharzanit Aerotechnik GmbH", country="DE", address="Nordhafenstraße 41, 22113 Hamburg"
            ),
            entry("E3", "Dmitri Olegovich Varnakov", "Dmitriy Varnakov", country="RU"),
            entry("E4", "Société Brévalaise d'Équipements SARL", country="FR", action="DNL"),
            entry("E5", "Tianrun Hexaline Electronics Co. Ltd", "Hexaline Electronics", country="CN"),
            entry("E6", "Farzaneh Tohrizadeh", country="IR", min_score=95.0),
            entry("E7", "Grønvik Subsea Teknikk AS", country="NO"),
        ]
    )


def ids(hits) -> list[str]:
    return [h.entry.id for h in hits]


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Société Générale", "SOCIETE GENERALE"),
        ("Müller & Söhne GmbH", "MULLER SOHNE"),
        ("Weißstraße Logistik", "WEISSSTRASSE LOGISTIK"),
        ("Øresund Æble Łódź", "ORESUND AEBLE LODZ"),
        ("İstanbul Dış Ticaret A.Ş.", "ISTANBUL DIS TICARET"),
        ("O'Neill-Brown Trading Co., Ltd.", "ONEILL BROWN TRADING"),
        ("ACME   (HK)  LIMITED", "ACME HK"),
        ("S.A.R.L. Atlas", "ATLAS"),
        ('OOO "Romashka"', "ROMASHKA"),
        ("Wojtarski Elektronika Sp. z o.o.", "WOJTARSKI ELEKTRONIKA"),
        ("The Smith and Jones Company", "SMITH JONES"),
        ("Intl Bros Mfg", "INTERNATIONAL BROTHERS MANUFACTURING"),
        ("J. P. Morgenstern", "JP MORGENSTERN"),
        ("Ltd", "LTD"),  # a name made only of a legal form keeps it
        ("", ""),
    ],
)
def test_a_name_is_read_for_matching(text: str, expected: str) -> None:
    assert " ".join(prepare(text).words) == expected


def test_normalise_text_keeps_legal_forms_and_other_scripts_the_matcher_reads_them_in_latin() -> None:
    assert normalise_text("Acme GmbH") == "ACME GMBH"
    assert normalise_text("Иван Петров") == "ИВАН ПЕТРОВ"
    assert normalise_text(None) == ""
    assert prepare("Иван Петров").words == ("IVAN", "PETROV")
    assert prepare("Иван Петров").latin == "IVAN PETROV"


def test_token_order_and_tokens() -> None:
    assert name_tokens("Varnakov, Dmitri O.") == ("VARNAKOV", "DMITRI", "O")
    assert name_tokens("AB") == ("AB",)  # a name made only of a legal form keeps it
    assert prepare("Varnakov Dmitri").words == ("VARNAKOV", "DMITRI")  # filed order kept


def test_a_single_word_of_a_spelled_out_form_is_a_name() -> None:
    assert prepare("Société Générale").words == ("SOCIETE", "GENERALE")
    assert prepare("Banco de Sociedad").words == ("BANCO", "DE", "SOCIEDAD")
    assert prepare("Partnership House Ltd").words == ("PARTNERSHIP", "HOUSE")
    assert prepare("Lumen Sociedad Anónima").words == ("LUMEN",)
    assert prepare("Arya Società per Azioni").words == ("ARYA",)


def test_normalise_address() -> None:
    address = Address(street="Nordhafenstraße 41", postcode="22113", city="Hamburg", country_id="DE")
    assert normalise_address(address) == "NORDHAFENST 41 22113 HAMBURG"
    assert normalise_address("Nordhafenstr. 41, 22113 Hamburg") == normalise_address(address)
    assert normalise_address(None) == ""


@given(st.text(max_size=60))
def test_a_prepared_name_is_tidy(text: str) -> None:
    name = prepare(text)
    assert all(w and " " not in w for w in name.words)
    assert len(name.words) == len(name.keys) == len(name.weights) == len(name.optional)
    assert all(not unicodedata.combining(c) for w in name.words for c in w)


# --- screening -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "expected_id", "action"),
    [
        ("Velmora Trading FZE", "E1", "DNL"),  # exact
        ("Velmora Tradnig FZE", "E1", "DNL"),  # typo (transposition)
        ("Velmmora Trading", "E1", "DNL"),  # typo (insertion), legal form dropped
        ("TRADING VELMORA FZE", "E1", "DNL"),  # reordered
        ("velmora trading f.z.e.", "E1", "DNL"),  # case and punctuation
        ("Kharzanit Aerotechnik", "E2", "RFS"),  # legal form dropped
        ("Kharzanit Aerotechnik Ltd.", "E2", "RFS"),  # another legal form
        ("Varnakov Dmitri Olegovich", "E3", "RFS"),  # person, family name first
        ("Societe Brevalaise d Equipements", "E4", "DNL"),  # accents and apostrophe removed
        ("Grönvik Subsea Teknikk", "E7", "RFS"),  # a different accent
        ("Gronvik Subseа Teknik", "E7", "RFS"),  # Cyrillic 'а' slipped in, and a deletion
    ],
)
def test_variants_of_a_listed_name_are_hit(wl: WatchList, filed: str, expected_id: str, action: str) -> None:
    hits = wl.screen_name(filed)
    assert ids(hits)[:1] == [expected_id]
    hit = hits[0]
    assert hit.action == action and hit.field == "name" and hit.value == filed
    assert hit.matched in (hit.entry.name, *hit.entry.aliases)
    assert wl.threshold <= hit.score <= 100.0
    # the score is the word alignment's, and the hit says which words were aligned
    score, pairs = align(prepare(filed, filed=True), prepare(hit.matched))
    assert hit.score == pytest.approx(score, abs=0.05)
    assert hit.aligned == pairs and hit.aligned
    assert hit.entry.id in hit.explain() or hit.matched in hit.explain()


@pytest.mark.parametrize(
    "filed",
    [
        "Acme Widgets Ltd",
        "Velvet Moraine Trading",
        "Dmitri Ivanov",
        "Hamburg Aerotechnik GmbH",
        "Trading FZE",
        "",
    ],
)
def test_clearly_different_names_are_not_hit(wl: WatchList, filed: str) -> None:
    assert wl.screen_name(filed) == []


def test_alias_is_hit_and_named(wl: WatchList) -> None:
    [hit] = wl.screen_name("Hexaline Electronic")
    assert hit.entry.id == "E5" and hit.matched == "Hexaline Electronics"
    [hit] = wl.screen_name("Dmitriy Varnakov")
    assert hit.matched == "Dmitriy Varnakov" and hit.score == 100.0


def test_threshold_is_respected() -> None:
    entries = [entry("E1", "Kharzanit Aerotechnik")]
    filed = "Kharzanet Aerotekhnic"
    score, _ = align(prepare(filed, filed=True), prepare("Kharzanit Aerotechnik"))
    assert 80 <= score < 88
    assert WatchList.from_entries(entries, threshold=88).screen_name(filed) == []
    assert ids(WatchList.from_entries(entries, threshold=80).screen_name(filed)) == ["E1"]


def test_min_score_is_respected(wl: WatchList) -> None:
    assert ids(wl.screen_name("Farzaneh Tohrizadeh")) == ["E6"]
    assert 88 <= align(prepare("Farzana Tohrizade", filed=True), prepare("Farzaneh Tohrizadeh"))[0] < 95
    assert wl.screen_name("Farzana Tohrizade") == []  # above the threshold, under the entry's 95


def test_country_mismatch_lowers_the_score_but_keeps_a_near_exact_name(wl: WatchList) -> None:
    [same] = wl.screen_name("Velmora Tradng", country="AE")
    [other] = wl.screen_name("Velmora Tradng", country="TR")
    assert same.country_match is True and other.country_match is False
    assert other.score == pytest.approx(same.score - COUNTRY_MISMATCH_PENALTY, abs=0.1)
    [unknown] = wl.screen_name("Velmora Tradng")
    assert unknown.country_match is None and unknown.score == same.score
    # a borderline name in another country is dropped ...
    assert ids(wl.screen_name("Kharzanet Aerotechnic Ltd")) == ["E2"]
    assert wl.screen_name("Kharzanet Aerotechnic Ltd", country="CN") == []
    # ... a near-exact one is kept whatever the country
    [kept] = wl.screen_name("Kharzanit Aerotechnik", country="CN")
    assert kept.name_score == 100.0 and kept.score == 100.0 - COUNTRY_MISMATCH_PENALTY


def test_screen_party_without_a_name(wl: WatchList) -> None:
    assert wl.screen_party(None, "shipper") == []
    assert wl.screen_party(Party(name=None, address=None), "shipper") == []
    assert wl.screen_party(Party(name="  ", address=None), "consignee") == []


def test_screen_party_names_fields_and_gives_address_evidence(wl: WatchList) -> None:
    address = Address(street="Nordhafenstr. 41", postcode="22113", city="Hamburg", country_id="DE")
    hits = wl.screen_party(Party(name="Kharzanit Aerotechnik", address=address), "consignee")
    assert [(h.field, h.entry.id) for h in hits] == [("consignee.name", "E2"), ("consignee.address", "E2")]
    name_hit, address_hit = hits
    assert address_hit.value == "Nordhafenstr. 41, 22113, Hamburg, DE"
    assert address_hit.matched == "Nordhafenstraße 41, 22113 Hamburg"
    assert address_hit.score >= 90 and name_hit.address_score == address_hit.score
    shipper = wl.screen_party(Party(name="Velmora Trading", address=None), "shipper")
    assert [(h.field, h.value) for h in shipper] == [("shipper.name", "Velmora Trading")]


def test_a_strong_address_match_raises_a_borderline_name(wl: WatchList) -> None:
    filed = "Kharzanet Aerotekhnic"
    assert wl.screen_name(filed) == []
    elsewhere = Address(street="Hauptstraße 2", postcode="80331", city="München", country_id="DE")
    assert wl.screen_party(Party(name=filed, address=elsewhere), "shipper") == []
    listed = Address(street="Nordhafenstraße 41", postcode="22113", city="Hamburg", country_id="DE")
    hits = wl.screen_party(Party(name=filed, address=listed), "shipper")
    assert [h.field for h in hits] == ["shipper.name", "shipper.address"]
    assert hits[0].score > hits[0].name_score >= wl.threshold - 5


# --- loading -------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "watchlist.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_watchlist_loads() -> None:
    wl = WatchList.load([SAMPLE])
    assert len(wl) >= 30 and len(wl.version) == 12
    assert {e.action for e in wl.entries} == {"RFS", "DNL"}
    assert ids(wl.screen_name("Velmora General Trading LLC")) == ["DEMO-0001"]


def test_load_reads_aliases_country_and_min_score(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + 'X1,Acme Widgets,"Acme W| Widgets of Acme |",de,,L,dnl,92.5\n\n')
    [e] = WatchList.load([path]).entries
    assert e.aliases == ("Acme W", "Widgets of Acme") and e.country == "DE" and e.address is None
    assert e.action == "DNL" and e.min_score == 92.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id,name,aliases,country,address,action\nX,Y,,,,RFS\n",
            "watchlist.csv line 1: missing column(s): list_name",
        ),
        (
            HEADER + "X1,Acme,,,,L,RFS,\nX2,Beta,,,,L,BLOCK,\n",
            "watchlist.csv line 3: action 'BLOCK' is not RFS or DNL",
        ),
        (HEADER + "X1,,,,,L,RFS,\n", "watchlist.csv line 2: empty name"),
        (
            HEADER + "X1,Acme,,,,L,RFS,\nX2,B,,,,L,RFS,\n\nX1,C,,,,L,RFS,\n",
            "watchlist.csv line 5: duplicate id 'X1'",
        ),
        (HEADER + "X1,Acme,,,,L,RFS,high\n", "watchlist.csv line 2: min_score 'high' is not a number"),
        (HEADER + "X1,Acme,,,,L,RFS,101\n", "watchlist.csv line 2: min_score 101 is not between 0 and 100"),
        (HEADER + "X1,Acme,,Germany,,L,RFS,\n", "watchlist.csv line 2: country 'Germany' is not"),
        (HEADER + "X1,Acme,,,,L,RFS\n", "watchlist.csv line 2: 7 fields where the header has 8"),
        (HEADER + "X1,---,,,,L,RFS,\n", "watchlist.csv line 2: name '---' has no letters or digits"),
        (HEADER.replace("aliases", "alias"), "watchlist.csv line 1: missing column(s): aliases"),
        ("", "watchlist.csv: empty list file: a header row is needed"),
        ("# only a comment\n", "watchlist.csv: empty list file"),
        (
            HEADER + "# DEMO-9,commented out entry,,,,L,DNL\nX,Y,,,,L,DNL,,bad\n",
            "watchlist.csv line 3: 9 fields",
        ),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as err:
        WatchList.load([path])
    assert message in str(err.value)
    assert err.value.path == str(path)


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    a = write(tmp_path, HEADER + "X1,Acme,,,,L,RFS,\n", "a.csv")
    b = write(tmp_path, HEADER + "X1,Other,,,,L,RFS,\n", "b.csv")
    with pytest.raises(PolicyError, match=r"b.csv line 2: duplicate id 'X1' \(first at a.csv line 2\)"):
        WatchList.load([a, b])


def test_version_follows_content(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "X1,Acme,,,,L,RFS,\n")
    v1 = WatchList.load([path]).version
    assert WatchList.load([path]).version == v1
    write(tmp_path, HEADER + "X1,Acme,,,,L,DNL,\n")
    v2 = WatchList.load([path]).version
    assert v2 != v1 and len(v2) == 12
    assert (
        WatchList.from_entries([entry("X", "A")]).version != WatchList.from_entries([entry("X", "B")]).version
    )


# --- the index finds what an exhaustive scan finds -----------------------------------------------

ACCENTS = {"A": "ÁÄ", "E": "ÉÈ", "O": "ÖØ", "U": "ÜÚ", "C": "Ç", "N": "Ñ", "S": "ŞŠ"}
LEGAL = ["Ltd", "GmbH", "S.A.", "LLC", "OOO", "FZE", "Co., Ltd", "Sp. z o.o.", "A.Ş."]
COMMON = ["Trading", "Global", "Star", "Dragon", "Mohammed", "Ali", "Ivan", "Wei", "Golden", "Pacific"]


def _word(rng: random.Random) -> str:
    syllables = ["ka", "ri", "mo", "tse", "lav", "dor", "qui", "zha", "nov", "bel", "sti", "ru", "ghe", "mar"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()


def _perturb(rng: random.Random, name: str) -> str:
    words = name.split()
    kind = rng.choice(["typo", "typo", "order", "legal", "accent", "join"])
    if kind == "order":
        rng.shuffle(words)
    elif kind == "legal":
        words = words[:-1] if words[-1] in LEGAL else [*words, rng.choice(LEGAL)]
    elif kind == "join" and len(words) > 2:
        words[0:2] = [words[0] + words[1]]
    text = " ".join(words)
    if kind == "accent":
        text = "".join(rng.choice(ACCENTS.get(c.upper(), c)) if rng.random() < 0.3 else c for c in text)
    if kind == "typo" or rng.random() < 0.3:
        i = rng.randrange(1, len(text))
        text = rng.choice(
            [text[:i] + text[i + 1 :], text[:i] + "x" + text[i:], text[:i] + "e" + text[i + 1 :]]
        )
    return text


def test_index_finds_the_hits_of_an_exhaustive_scan() -> None:
    rng = random.Random(20240611)
    vocabulary = [_word(rng) for _ in range(800)]
    entries = []
    for i in range(1500):
        words = rng.sample(vocabulary, rng.randint(1, 3)) + rng.sample(COMMON, rng.randint(0, 1))
        rng.shuffle(words)
        name = " ".join(words) + (" " + rng.choice(LEGAL) if rng.random() < 0.6 else "")
        aliases = (" ".join(reversed(words)),) if rng.random() < 0.2 else ()
        entries.append(entry(f"G{i}", name, *aliases))
    wl = WatchList.from_entries(entries)
    names = [(e.id, prepare(text)) for e in entries for text in (e.name, *e.aliases)]
    queries = [_perturb(rng, rng.choice((e.name, *e.aliases))) for e in rng.sample(entries, 150)]

    expected = found = 0
    for query in queries:
        filed = prepare(query, filed=True)
        want = {i for i, listed in names if align(filed, listed)[0] >= wl.threshold}
        got = set(ids(wl.screen_name(query)))
        assert got <= want, query  # same scorer: the index can only miss, never invent
        expected += len(want)
        found += len(want & got)
    assert expected >= 120
    recall = found / expected
    assert recall >= 0.98, f"recall {recall:.4f} ({found}/{expected})"


# --- the channels and explanations of issue 12 ---------------------------------------------------


@pytest.fixture(scope="module")
def wide() -> WatchList:
    return WatchList.from_entries(
        [
            WatchListEntry(
                "W1", "Щукин Сергей Иванович", ("Shchukin Sergei",), "RU", None, "L", "DNL", kind="person"
            ),
            WatchListEntry(
                "W2",
                "Ostrevka Priborstroy OOO",
                (),
                "RU",
                "ul. Zavodskaya 17, 443022 Samara",
                "L",
                "DNL",
                identifiers=(("INN", "6312345678"), ("EORI", "RU631234567800001")),
            ),
            WatchListEntry(
                "W3", "Nasser Aziz Al-Rashid", (), "AE", None, "L", "RFS", weak_aliases=("Abu Nasser",)
            ),
            WatchListEntry("W4", "Velmora Trading FZE", ("Velmora General Trading",), "AE", None, "L", "DNL"),
        ]
    )


@pytest.mark.parametrize(
    ("filed", "entry_id", "feature"),
    [
        (
            "Schtschukin Sergei Iwanowitsch",
            "W1",
            "read as 'SHCHUKIN SERGEI IVANOVICH'",
        ),  # German romanisation
        ("Sergei Shchukin", "W1", "SHCHUKIN~SHCHUKIN"),  # patronymic left out, order changed
        ("Ostrevka Priborstroy Obshchestvo s Ogranichennoy Otvetstvennostyu", "W2", "set aside"),
        ("Nasir Azeez Ar-Rashid", "W3", "NASIR~NASSER"),  # Arabic spelling, article as pronounced
        ("OstrevkaPriborstroy", "W2", "joined"),  # two words written together
        ("Velmora Trdg Aktiengesellschaft", "W4", "VELMORA~VELMORA"),  # abbreviation, form spelled out
    ],
)
def test_variants_as_evaders_write_them_are_hit_and_explained(
    wide: WatchList, filed: str, entry_id: str, feature: str
) -> None:
    hits = wide.screen_name(filed)
    assert ids(hits)[:1] == [entry_id], [h.explain() for h in hits]
    hit = hits[0]
    assert hit.channel in ("name", "alias") and hit.aligned
    assert feature in hit.explain()
    assert all(0.0 < pair.similarity <= 1.0 for pair in hit.aligned)


def test_a_listed_address_hits_under_any_name(wide: WatchList) -> None:
    party = Party(
        "Totally Unrelated Imports", Address(street="Zavodskaya ulitsa 17", postcode="443022", city="Samara")
    )
    [hit] = wide.screen_party(party, "consignee")
    assert (hit.entry.id, hit.field, hit.channel) == ("W2", "consignee.address", "address")
    assert hit.matched == "ul. Zavodskaya 17, 443022 Samara" and hit.score >= 90
    # another house number on the same street is another address
    elsewhere = Party(
        "Totally Unrelated Imports", Address(street="ul. Zavodskaya 19", postcode="443022", city="Samara")
    )
    assert wide.screen_party(elsewhere, "consignee") == []
    # and the same street and number in another country is another address
    abroad = Address(street="ul. Zavodskaya 17", postcode="443022", city="Samara", country_id="KZ")
    assert wide.screen_party(Party("Totally Unrelated Imports", abroad), "consignee") == []


@pytest.mark.parametrize(
    "filed", ["INN 6312345678", "6312-345-678", "ru 6312 3456 7800 001", "EORI: RU631234567800001"]
)
def test_a_listed_identifier_hits_however_it_is_written(wide: WatchList, filed: str) -> None:
    [hit] = wide.screen_party(Party("Someone Else", None, primary_id=filed), "shipper")
    assert (hit.entry.id, hit.field, hit.channel, hit.score) == (
        "W2",
        "shipper.identifier",
        "identifier",
        100.0,
    )
    assert hit.value == filed
    assert hit.matched in ("INN 6312345678", "EORI RU631234567800001")


def test_identifier_fragments_do_not_hit(wide: WatchList) -> None:
    assert wide.screen_party(Party("Someone Else", None, primary_id="INN 63123"), "shipper") == []


def test_a_weak_alias_hits_only_as_written(wide: WatchList) -> None:
    [hit] = wide.screen_name("Abu Nasser")
    assert (hit.entry.id, hit.channel, hit.score) == ("W3", "weak_alias", 100.0)
    assert wide.screen_name("Abu Naser") == []  # a weak alias is never matched fuzzily


def test_a_trade_word_added_or_dropped_is_the_same_party_another_trade_is_not(wide: WatchList) -> None:
    assert ids(wide.screen_name("Velmora")) == ["W4"]
    assert ids(wide.screen_name("Velmora Chemicals Trading")) == ["W4"]
    assert wide.screen_name("Velmora Shipping") == []  # TRADING and SHIPPING: two different trades


@pytest.mark.parametrize("filed", ["S. Shchukin", "S.I. Shchukin", "Shchukin S. I.", "S I Shchukin"])
def test_initials_are_weaker_evidence_for_the_given_names_they_stand_for(wide: WatchList, filed: str) -> None:
    hits = wide.screen_name(filed)
    assert ids(hits)[:1] == ["W1"], [h.explain() for h in hits]
    initial = [p for p in hits[0].aligned if p.how in ("initial", "initials")]
    assert initial and initial[0].listed.startswith("SERGE") and initial[0].similarity < 0.9


@pytest.mark.parametrize("filed", ["P. Shchukin", "P.I. Shchukin", "I.S. Shchukin"])
def test_initials_of_other_given_names_do_not_hit(wide: WatchList, filed: str) -> None:
    assert "W1" not in ids(wide.screen_name(filed)), [h.explain() for h in wide.screen_name(filed)]


def test_a_fathers_name_ending_in_bare_ich_is_a_patronymic() -> None:
    listed = prepare("Yegorov Yaroslav Ilich")
    assert listed.optional == (False, False, True)
    assert prepare("Yegorov Yaroslav Friedrich").optional == (False, False, False)


@pytest.fixture(scope="module")
def arabic_script() -> WatchList:
    return WatchList.from_entries(
        [
            WatchListEntry("AR1", "عبد الناصر بن حسين العمري", (), "IQ", None, "L", "DNL", kind="person"),
            WatchListEntry("AR2", "يوسف القحطاني", (), "SA", None, "L", "RFS", kind="person"),
            WatchListEntry("AR3", "حسن علي", (), "EG", None, "L", "RFS", kind="person"),
        ]
    )


@pytest.mark.parametrize(
    ("filed", "entry_id"),
    [
        ("Abdel Nasser bin Hussain Al-Omari", "AR1"),
        ("Abdulnasir Husain Al Omari", "AR1"),  # Abd with the article on it, 'bin' left out
        ("Yusef Alqahtani", "AR2"),
        ("Youssef Al-Kahtani", "AR2"),  # Q written K
    ],
)
def test_a_name_listed_in_arabic_script_is_hit_by_its_consonants(
    arabic_script: WatchList, filed: str, entry_id: str
) -> None:
    hits = arabic_script.screen_name(filed)
    assert ids(hits) == [entry_id], [h.explain() for h in hits]
    assert hits[0].score < 95  # weaker evidence than a spelled match
    assert "consonants" in hits[0].explain() and all(p.how == "consonants" for p in hits[0].aligned)


@pytest.mark.parametrize(
    "filed",
    [
        "Abdel Nasser bin Hussain Al-Masri",  # another family
        "Yusuf Al-Qahtan",  # a consonant short
        "Hassan Ali",  # listed as AR3, but five letters of consonants are too few to mean a party
    ],
)
def test_other_consonants_or_too_few_do_not_hit_a_name_in_arabic_script(
    arabic_script: WatchList, filed: str
) -> None:
    assert arabic_script.screen_name(filed) == []


# --- Arabic names and mistyped legal forms (recall) ----------------------------------------------


@pytest.mark.parametrize(
    "filed",
    ["Abd al-Nasir Hamdan", "Abdel Nasser Hamdan", "Abdul Nasir Hamdan", "Abdulnasser Hamdan",
     "Abd an-Nasir Hamdan", "Abdunnasir Hamdan"],
)  # fmt: skip
def test_abd_al_names_are_one_name_however_the_article_is_written(filed: str) -> None:
    listed = prepare("Abdel Nasser Hamdan")
    assert prepare(filed, filed=True).words[0] == "ABD"
    assert align(prepare(filed, filed=True), listed)[0] >= 90


def test_abdullah_is_abd_allah_in_every_spelling() -> None:
    for text in ("Abdullah Saleh", "Abd Allah Saleh", "Abdallah Saleh", "Abdulla Saleh"):
        assert prepare(text).words == ("ABD", "ALLAH", "SALEH")
    assert prepare("Abdoulaye Wade").words == ("ABDOULAYE", "WADE")  # not an 'Abd al-' name


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Cmopany Orlen Shipping", ("ORLEN", "SHIPPING")),  # first, as reordered or in form-first languages
        ("Liimted Keso Metals", ("KESO", "METALS")),
        ("Halvard Polymers CorpvrationGmbH", ("HALVARD", "POLYMERS")),  # not CORP + VRATION
        ("Corprtation Trumou Pekhour", ("TRUMOU", "PEKHOUR")),  # not CORP + RTATION
    ],
)
def test_a_long_legal_form_mistyped_is_set_aside_wherever_it_stands(
    text: str, words: tuple[str, ...]
) -> None:
    assert prepare(text).words == words


def test_a_slip_in_one_half_of_a_compound_legal_form_is_still_the_form() -> None:
    assert prepare("Shesailou Trading Vpt.Ltd").words == ("SHESAILOU", "TRADING")
    assert prepare("Mutiara Jaya uSdn.Bhd").words == ("MUTIARA", "JAYA")
    assert prepare("Mutiara Jaya Sdn Bhf").words == ("MUTIARA", "JAYA")
    # a name one letter off a form is a name unless the other half of a compound stands beside it
    assert prepare("OOO Sara Trading").words == ("SARA", "TRADING")
    assert prepare("Inca Pacific Ltd").words == ("INCA", "PACIFIC")


def test_two_legal_forms_written_together_are_set_aside() -> None:
    assert prepare("Sashia Devices CompanyCo.").words == ("SASHIA", "DEVICES")
    assert prepare("Briatuser Khim OooPty.Ltd").words == ("BRIATUSER", "KHIM")
    assert prepare("Gang Nupe fzeSAS").words == ("GANG", "NUPE")
    assert prepare("Sasco Metals").words == ("SASCO", "METALS")  # a name, however it splits


def test_vowels_of_an_arabic_name_are_read_as_arabic_writes_them() -> None:
    # Arabic writes a, i, u: E and O are one clerk's spelling of another's I and U
    assert prepare("Soliman Al-Najjar").keys == prepare("Suleiman Al-Najjar").keys
    assert prepare("Mostafa bin Rifai").keys == prepare("Mustafa bin Refaie").keys
    # without an Arabic particle E and O still tell names apart
    assert prepare("Peter Sorensen").keys != prepare("Piter Surensen").keys


def test_an_arabic_name_spelled_otherwise_is_found_in_the_index() -> None:
    wl = WatchList.from_entries(
        [entry("A1", "Suleiman Mohammed Al-Najjar"), entry("A2", "Abdel Rahman Hussein Al-Otaibi")]
        + [entry(f"F{i}", f"{w} Al-Najjar") for i, w in enumerate(["Samir", "Karim", "Walid", "Tariq"])]
    )
    assert ids(wl.screen_name("Soliman Muhammad Al Najjar")) == ["A1"]
    assert ids(wl.screen_name("Abd al-Rahman Husayn Al-Oteibi")) == ["A2"]


def test_the_article_written_together_with_an_arabic_name_is_set_apart() -> None:
    assert prepare("Mahmood bin Saied Alfares").words == ("MAHMOOD", "BIN", "SAIED", "AL", "FARES")
    assert prepare("Jamal bin Ali Elmasry").words[-2:] == ("AL", "MASRY")
    # not ALLAH, ALIREZA, nor outside an Arabic name (ALEXANDER)
    assert prepare("Alireza bin Abdullah").words == ("ALIREZA", "BIN", "ABD", "ALLAH")
    assert prepare("Alexander Alberto").words == ("ALEXANDER", "ALBERTO")
    wl = WatchList.from_entries([entry("A1", "Mahmoud bin Saeed Al-Fares"), entry("A2", "Saeed Al-Fahad")])
    assert ids(wl.screen_name("Mahmood bin Saied Alfares")) == ["A1"]


def test_two_words_written_together_with_a_slip_are_found_though_a_piece_is_another_listed_word() -> None:
    wl = WatchList.from_entries(
        [
            entry("T1", "Layla Dieter Pokhour"),
            entry("T2", "Neter Varga"),  # NETER is listed: 'nieter' is nearer it than DIETER
            entry("T3", "Philippe Tariq Poudaizi"),
            entry("T4", "Tari Kandel"),  # TARI is listed: TARIQ + PKUDAIZI is the better cut
        ]
    )
    assert ids(wl.screen_name("Layla nieterPokhour")) == ["T1"]
    assert ids(wl.screen_name("Philippe TariqPkudaizi")) == ["T3"]
    assert [piece for piece, _, _ in wl._index._pieces("TARIKPKUDAISI", "TARIQPKUDAIZI")] == [
        "TARIK",
        "PKUDAISI",
    ]


def _with_decoys(*entries: WatchListEntry) -> WatchList:
    """The entries among namesakes that share one word with each, so that only the index's look-ups
    of the written-together word can bring the entry within reach of the cut-off."""
    decoys = [
        entry(f"D{i}{j}", f"{word} Holdings {i:02d}")
        for i, e in enumerate(entries)
        for j, word in enumerate(e.name.split()[:2])
    ]
    return WatchList.from_entries([*entries, *decoys])


@pytest.mark.parametrize(
    ("listed", "filed"),
    [
        ("Tierra Al Cargo AS", "Tierra AlaCrgo AS"),  # two letters swapped, one word of two letters
        ("Fang Yan Song", "FbngYan Song"),  # a letter changed
        ("Fuzupato Gran Nabriar International Company", "Fuzupato ranNabriar International Company"),
        ("Xiu Walid Vu", "XiuWaliv Vu"),
        ("Ingrid Hossein Du", "Ingrid HosseieDu"),
        # A long word of two listed words with a slip in each half.
        ("Parux Platinum Logistics AB", "Parux PaltinumLogitics AB"),
        ("Soushalavi Sopaifizia Elektronik Ltda", "SousaalaviSopaifiaia Elektronik Ltda"),
        ("Desaizu Baikhiasepar Manufacturing K.K.", "Desaizu BaikeiaseparManufactueing K.K."),
    ],
)
def test_neighbouring_words_written_together_with_slips_are_found(listed: str, filed: str) -> None:
    wl = _with_decoys(entry("J1", listed))
    hits = wl.screen_name(filed)
    assert ids(hits) == ["J1"], [h.explain() for h in hits]
    assert "joined" in hits[0].explain()


@pytest.mark.parametrize(
    ("listed", "filed", "pair"),
    [
        ("Khiabaishom Lotoux LLC", "Khiabaishom LotouxLcLC", "LOTOUXLCLC~LOTOUX"),  # a letter added to it
        ("Gon Diazi KG", "Gon DaiziKG", "DAIZIKG~DIAZI"),  # a slip in the word, the form as it is
        ("Tianma Textiles Corporation", "Tianma TetxilesCorporatiog", "TETXILESCORPORATIOG~TEXTILES"),
        ("Bikugous Lufom Gaz Corporation", "Bikugous Lufom GazCorporatpon", "GAZCORPORATPON~GAZ"),
    ],
)
def test_a_legal_form_glued_to_a_word_with_a_slip_in_either_is_cut_off(
    listed: str, filed: str, pair: str
) -> None:
    wl = _with_decoys(entry("G1", listed))
    hits = wl.screen_name(filed)
    assert ids(hits) == ["G1"], [h.explain() for h in hits]
    assert pair in hits[0].explain() and "legal form glued" in hits[0].explain()


def test_a_word_ending_one_slip_from_a_three_letter_form_is_not_cut() -> None:
    # SHIPPING ends one letter from INC: read as SHIPP + a form it would pass for SHIPPA's namesake.
    assert (
        word_similarity("SHIPPING", word_key("SHIPPING"), "SHIPPA", word_key("SHIPPA"))[1]
        != "legal form glued"
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Briakipu ManuhacturingOY", ("BRIAKIPU", "MANUHACTURING")),
        ("Denor Best GloblaPT", ("DENOR", "BEST", "GLOBLA")),
        ("Inter Surya ComvrcioAB", ("INTER", "SURYA", "COMVRCIO")),
        ("Rosa Marias", ("ROSA", "MARIAS")),  # a name ending as a form does is a name
    ],
)
def test_a_two_letter_form_glued_to_a_mistyped_trade_word_is_set_aside(
    text: str, words: tuple[str, ...]
) -> None:
    assert prepare(text).words == words


def test_th_is_read_as_t() -> None:
    assert prepare("Thomas Othman").keys == prepare("Tomas Otman").keys
    assert align(prepare("Osman Khaleel", filed=True), prepare("Othman Khalil"))[0] >= 88


def test_a_short_last_word_one_letter_from_a_two_letter_form_is_a_word() -> None:
    assert prepare("Pharma Suse Sea").words == ("PHARMA", "SUSE", "SEA")
    assert prepare("Viatrelou Trading Seo").words == ("VIATRELOU", "TRADING", "SEO")
    assert prepare("Velmora Trading FZOCO").words == ("VELMORA", "TRADING")  # FZCO, a letter slipped in


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Kegivoudo MaplewoodS.A.", ("KEGIVOUDO", "MAPLEWOOD")),
        ("Braibrakai TireS.p.A.", ("BRAIBRAKAI", "TIRE")),
        ("Raja Sanayi MakinaK.K.", ("RAJA", "SANAYI", "MAKINA")),
        ("Zutoshozo HoldingA.Ş.", ("ZUTOSHOZO", "HOLDING")),
        ("JohnS.Smith", ("JOHNS", "SMITH")),  # an initial, not a form: a word follows
    ],
)
def test_a_dotted_legal_form_typed_against_the_name_is_set_apart(text: str, words: tuple[str, ...]) -> None:
    assert prepare(text).words == words


def test_a_form_with_a_consonant_slipped_in_front_or_a_compound_form_short_of_a_letter_is_set_aside() -> None:
    assert prepare("Brouvo Tipi Group rSAS").words == ("BROUVO", "TIPI", "GROUP")
    assert prepare("Shise SnabSp.z.o..").words == ("SHISE", "SNAB")  # SP ZOO with an O lost
    assert prepare("Brouvo Tipi Ossa").words == ("BROUVO", "TIPI", "OSSA")  # a vowel first: a word


def test_a_dotted_abbreviation_at_the_end_one_slip_from_a_legal_form_is_the_form() -> None:
    assert prepare("Finai Jin Kimya S.p.h.").words == ("FINAI", "JIN", "KIMYA")
    assert prepare("Sherai Port Trading S.R.rL.").words == ("SHERAI", "PORT", "TRADING")
    assert prepare("Finai Jin Sea").words == ("FINAI", "JIN", "SEA")  # undotted, a word
    assert prepare("Sara Morgan S.A.").words == ("SARA", "MORGAN")  # only the dotted word itself


def test_a_word_two_typos_from_its_listed_word_is_found_though_one_typo_from_another() -> None:
    # 'SPAHIRE' is one slip from the listed SPAHIRO and two from SAPPHIRE: the index must still
    # look two slips away, or the name holding SAPPHIRE is never scored.
    wl = WatchList.from_entries(
        [
            WatchListEntry("S1", "Bunezo Sapphire Khunepopou Instruments", (), "CN", None, "L", "DNL"),
            WatchListEntry("S2", "Spahiro Holdings", (), "CN", None, "L", "DNL"),
            *(
                WatchListEntry(f"N{i}", f"Bunezo Trading {i:03d}", (), "CN", None, "L", "RFS")
                for i in range(40)
            ),
            *(
                WatchListEntry(f"K{i}", f"Khunepopou Metals {i:03d}", (), "CN", None, "L", "RFS")
                for i in range(40)
            ),
        ]
    )
    hits = wl.screen_name("Instruments Bunezo Khunepopou Spahire")
    assert ids(hits)[:1] == ["S1"], [h.explain() for h in hits]
    assert "SPAHIRE~SAPPHIRE" in hits[0].explain()


def test_a_filed_word_two_letters_short_of_the_listed_word_is_found() -> None:
    wl = WatchList.from_entries(
        [WatchListEntry("T1", "Trans Triabribone Prom Corporation", (), "RU", None, "L", "DNL")]
    )
    hits = wl.screen_name("Prom Trans Corporation Trabrbone")
    assert ids(hits) == ["T1"], [h.explain() for h in hits]
    assert "TRABRBONE~TRIABRIBONE" in hits[0].explain()


def test_a_last_word_one_letter_from_a_short_form_counts_only_when_the_other_side_has_it() -> None:
    assert prepare("Vasiliev Lida").optional == (False, True)  # LTDA mistyped, or a name
    wl = WatchList.from_entries(
        [
            WatchListEntry("L1", "Linda Vasiliev", (), "RU", None, "L", "DNL", kind="person"),
            WatchListEntry("L2", "Velmora Trading", (), "AE", None, "L", "DNL"),
        ]
    )
    assert ids(wl.screen_name("Vasiliev Lida")) == ["L1"]  # LIDA~LINDA counts
    assert ids(wl.screen_name("Velmora Trading Ltdd")) == ["L2"]  # LTDD matches nothing, costs nothing


def test_a_filed_word_whose_key_is_another_listed_word_may_still_be_a_trade_word_mistyped() -> None:
    # 'MIINNG' folds to MING, a listed name's word; as written it is MINING with two letters swapped.
    wl = WatchList.from_entries(
        [
            WatchListEntry("M1", "Putiax Raso Mining A.Ş.", (), "TR", None, "L", "DNL"),
            *(WatchListEntry(f"C{i}", f"Ming Putiax {i:03d}", (), "CN", None, "L", "RFS") for i in range(5)),
        ]
    )
    hits = wl.screen_name("Raso A.Ş. Putiax Miinng")
    assert ids(hits)[:1] == ["M1"], [h.explain() for h in hits]


def test_an_initial_finds_the_namesake_with_its_letter_among_many_holding_the_surname() -> None:
    # Sixty listed KARIM HADDADs and one YOUSSEF HADDAD: an initial is credited only to the names
    # with a word of its letter, so the candidate cap no longer cuts the right one away.
    wl = WatchList.from_entries(
        [*(entry(f"K{i:02d}", "Karim Haddad") for i in range(60)), entry("Y1", "Youssef Haddad")]
    )
    hits = wl.screen_name("Y. Haddad")
    assert ids(hits) == ["Y1"], [h.explain() for h in hits]
    assert "Y~YOUSSEF" in hits[0].explain()
