"""Specifications of the watch-list loaders: our CSV with its optional columns, OpenSanctions'
targets.simple.csv, OFAC SDN XML, the UN consolidated list and the EU Financial Sanctions Files;
format detection, XML safety, errors naming file and line, and rules.toml's watch-list sources.

The fixtures in fixtures/watchlists/ are invented parties in each format, never list data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.policy import Policy
from acid_processor.assessment.watchlist import WatchList, WatchListEntry
from acid_processor.assessment.watchlist.loaders import WatchListSource, detect_format, load_entries
from acid_processor.assessment.watchlist.loaders_common import country_from_name

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "watchlists"
SAMPLE = Path(__file__).resolve().parents[1] / "acid_processor/policy/watchlists/sample-watchlist.csv"
OURS = LISTS / "acid-watchlist.csv"
OPENSANCTIONS = LISTS / "opensanctions-targets.simple.csv"
OFAC = LISTS / "ofac-sdn.xml"
UN = LISTS / "un-consolidated.xml"
EU = LISTS / "eu-fsf.xml"
HEADER = (
    "id,name,aliases,country,address,list_name,action,min_score,identifiers,addresses,weak_aliases,kind\n"
)


def by_id(path: Path | WatchListSource, **settings: str) -> dict[str, WatchListEntry]:
    return {entry.id: entry for _, entry in load_entries(path, **settings)}


def lines(path: Path) -> dict[str, int | None]:
    return {entry.id: line for line, entry in load_entries(path)}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(path: Path | WatchListSource, **settings: str) -> PolicyError:
    with pytest.raises(PolicyError) as err:
        load_entries(path, **settings)
    return err.value


# --- our CSV: the optional columns -----------------------------------------------------------------


def test_our_csv_reads_identifiers_further_addresses_weak_aliases_and_kind() -> None:
    entries = by_id(OURS)
    merdeka = entries["TEST-0001"]
    assert merdeka.identifiers == (("EORI", "DE123456789012345"), ("VAT", "DE987654321"))
    assert merdeka.address == "Hafenstraße 3, 28217 Bremen"
    assert merdeka.addresses == ("Industriestraße 9, 04129 Leipzig", "Unit 5, 1 Dock Road, Felixstowe")
    assert merdeka.weak_aliases == ("MTL",)
    assert merdeka.aliases == ("Merdeka Trust", "МЕРДЕКА ТРАСТ")
    assert merdeka.kind == "organization" and merdeka.action == "DNL" and merdeka.list_name == "TEST-DENIED"
    yusuf = entries["TEST-0002"]
    assert yusuf.kind == "person" and yusuf.aliases == ("يوسف دميركايا",) and yusuf.min_score == 92.0
    assert yusuf.identifiers == (("PASSPORT", "U12345678"),) and yusuf.weak_aliases == ("Yusuf D.",)
    bare = entries["TEST-0003"]
    assert (bare.kind, bare.identifiers, bare.addresses, bare.weak_aliases) == (None, (), (), ())


def test_our_csv_without_the_optional_columns_still_loads() -> None:
    entries = by_id(SAMPLE)
    assert len(entries) >= 30 and detect_format(SAMPLE) == "csv"
    assert all(e.kind is None and e.identifiers == () for e in entries.values())


def test_our_csv_refuses_an_identifier_without_a_scheme() -> None:
    err = error(LISTS / "acid-watchlist-malformed.csv")
    assert err.line == 3 and err.path == str(LISTS / "acid-watchlist-malformed.csv")
    assert "line 3: identifier 'PASSPORT U12345678' is not SCHEME:VALUE" in str(err)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X1,Acme,,,,L,RFS,,,,,company", "line 2: kind 'company' is not person or organization"),
        ("X1,Acme,,,,L,RFS,,EORI:,,,", "line 2: identifier 'EORI:' is not SCHEME:VALUE"),
        ("X1,Acme,,,,L,RFS,,:DE1234,,,", "line 2: identifier ':DE1234' is not SCHEME:VALUE"),
    ],
)
def test_our_csv_refuses_a_bad_kind_or_identifier(tmp_path: Path, row: str, message: str) -> None:
    assert message in str(error(write(tmp_path, "list.csv", HEADER + row + "\n")))


def test_our_csv_kind_is_case_insensitive(tmp_path: Path) -> None:
    [(line, entry)] = load_entries(write(tmp_path, "list.csv", HEADER + "X1,Acme,,,,L,RFS,,,,,Person\n"))
    assert line == 2 and entry.kind == "person"


def test_our_csv_takes_list_name_and_action_from_its_columns_not_the_configuration() -> None:
    assert "do not configure them" in str(error(OURS, action="RFS"))
    assert "do not configure them" in str(error(OURS, list_name="OTHER"))


# --- OpenSanctions targets.simple.csv ----------------------------------------------------------------


def test_opensanctions_schema_gives_the_kind_and_other_schemas_are_kept() -> None:
    kinds = {key: e.kind for key, e in by_id(OPENSANCTIONS).items()}
    assert kinds == {
        "NK-test-orlanov": "person",
        "NK-test-orlanov-avia": "organization",  # Company
        "NK-test-sahel": "organization",  # Organization
        "NK-test-qasr": "organization",  # LegalEntity
        "NK-test-lyra": None,  # Vessel
        "NK-test-il76": None,  # Airplane
    }


def test_opensanctions_semicolon_joined_values_become_aliases_addresses_and_identifiers() -> None:
    avia = by_id(OPENSANCTIONS)["NK-test-orlanov-avia"]
    assert avia.name == "Orlanov Avia Trade LLC"
    assert avia.aliases == ("ООО Орланов Авиа Трейд", "Orlanov Aviation Trading")
    assert avia.address == "Prospekt Mira 101, 129085 Moscow"
    assert avia.addresses == ("Office 12, Al Quoz 3, Dubai",)
    assert avia.identifiers == (("ID", "7702345678"), ("ID", "1127746123456"))
    assert avia.weak_aliases == ()


def test_opensanctions_first_two_letter_country_is_upper_cased() -> None:
    entries = by_id(OPENSANCTIONS)
    assert entries["NK-test-orlanov"].country == "RU"  # ru;by
    assert entries["NK-test-il76"].country == "KZ"  # suhh (Soviet Union) is no ISO code: skipped
    assert entries["NK-test-lyra"].country is None


def test_opensanctions_defaults_to_do_not_load_on_list_opensanctions() -> None:
    entries = by_id(OPENSANCTIONS).values()
    assert {(e.list_name, e.action) for e in entries} == {("OPENSANCTIONS", "DNL")}
    assert lines(OPENSANCTIONS)["NK-test-orlanov"] == 2


def test_opensanctions_configured_list_name_and_action_are_applied() -> None:
    entries = by_id(OPENSANCTIONS, list_name="OS-DEFAULT", action="rfs").values()
    assert {(e.list_name, e.action) for e in entries} == {("OS-DEFAULT", "RFS")}


def test_opensanctions_malformed_row_names_file_and_line() -> None:
    err = error(LISTS / "opensanctions-malformed.csv")
    assert str(err) == f"{LISTS / 'opensanctions-malformed.csv'} line 3: 3 fields where the header has 16"


def test_opensanctions_ignores_columns_it_adds_later_and_refuses_missing_ones(tmp_path: Path) -> None:
    ok = write(tmp_path, "t.csv", "id,schema,name,aliases,countries,addresses,identifiers,topics\n")
    ok.write_text(ok.read_text() + "Q1,Person,Ana Lima,,br,,,sanction\n", encoding="utf-8")
    assert by_id(ok, format="opensanctions")["Q1"].country == "BR"
    missing = write(tmp_path, "m.csv", "id,schema,name,aliases,countries\nQ1,Person,Ana Lima,,br\n")
    assert "line 1: missing column(s): addresses, identifiers" in str(error(missing, format="opensanctions"))


def test_opensanctions_row_without_a_name_names_its_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.csv",
        "id,schema,name,aliases,countries,addresses,identifiers\nQ1,Person,Ana Lima,,,,\nQ2,Company,,,,,\n",
    )
    assert str(error(path)) == f"{path} line 3: id Q2: no name"


# --- OFAC SDN XML -----------------------------------------------------------------------------------


def test_ofac_ids_are_prefixed_and_default_to_do_not_load_on_list_ofac_sdn() -> None:
    entries = by_id(OFAC)
    assert list(entries) == [f"OFAC-9000{n}" for n in range(1, 7)]
    assert {(e.list_name, e.action) for e in entries.values()} == {("OFAC-SDN", "DNL")}
    assert lines(OFAC)["OFAC-90002"] == 71  # the line the sdnEntry starts on


def test_ofac_individual_name_is_first_name_then_last_name() -> None:
    talgarov = by_id(OFAC)["OFAC-90002"]
    assert talgarov.name == "Rustam Karimovich TALGAROV" and talgarov.kind == "person"
    assert talgarov.aliases == ("Rustam TALGAROV",)


def test_ofac_weak_aka_becomes_weak_alias() -> None:
    entries = by_id(OFAC)
    assert entries["OFAC-90001"].weak_aliases == ("VAP",)
    assert "VAP" not in entries["OFAC-90001"].aliases
    assert entries["OFAC-90002"].weak_aliases == ("RUSTIK",)


def test_ofac_strong_akas_are_aliases_in_any_script() -> None:
    entries = by_id(OFAC)
    assert entries["OFAC-90001"].aliases == ("OOO VOLKHOV AVIAZAPCHASTI", "ООО Волхов Авиазапчасти")
    assert entries["OFAC-90003"].aliases == ("شركة نهر النور للتجارة", "NAHR AL NOOR GENERAL TRADING")


def test_ofac_addresses_are_joined_and_country_names_read_as_iso_codes() -> None:
    volkhov = by_id(OFAC)["OFAC-90001"]
    assert volkhov.address == "ul. Promyshlennaya 12, Office 4, Moscow, 109316"
    assert volkhov.addresses == ("Warehouse 7, Al Quoz Industrial Area 3, Dubai",)
    assert volkhov.country == "RU"  # the first address's country, 'Russia'
    assert by_id(OFAC)["OFAC-90005"].country == "HK"
    assert by_id(OFAC)["OFAC-90002"].country == "KZ"  # no address: the nationality


def test_ofac_id_list_gives_identifiers_but_not_designation_notes() -> None:
    entries = by_id(OFAC)
    assert entries["OFAC-90001"].identifiers == (
        ("Tax ID No.", "7701234567"),
        ("Registration Number", "1027700123456"),
    )  # not 'Additional Sanctions Information -'
    assert entries["OFAC-90002"].identifiers == (("Passport", "N12345678"),)  # not 'Gender'
    assert entries["OFAC-90004"].identifiers == (("Vessel Registration Identification", "IMO 9123456"),)


def test_ofac_vessels_and_aircraft_have_no_kind() -> None:
    entries = by_id(OFAC)
    assert entries["OFAC-90004"].kind is None and entries["OFAC-90006"].kind is None
    assert entries["OFAC-90003"].kind == "organization"


def test_ofac_older_namespace_is_read_alike(tmp_path: Path) -> None:
    text = OFAC.read_text(encoding="utf-8").replace(
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML",
        "http://tempuri.org/sdnList.xsd",
    )
    assert by_id(write(tmp_path, "sdn.xml", text)) == by_id(OFAC)


def test_ofac_malformed_file_names_file_and_line() -> None:
    err = error(LISTS / "ofac-sdn-malformed.xml")
    assert err.line == 10 and err.path == str(LISTS / "ofac-sdn-malformed.xml")
    assert "line 10: not well-formed XML: Opening and ending tag mismatch: lastName" in str(err)


def test_ofac_entry_without_a_name_names_its_uid(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sdn.xml",
        "<sdnList>\n<sdnEntry><uid>1</uid><lastName>A B</lastName></sdnEntry>\n"
        "<sdnEntry><uid>123</uid><sdnType>Entity</sdnType></sdnEntry>\n</sdnList>\n",
    )
    assert str(error(path)) == f"{path} line 3: sdnEntry uid 123: no name"


# --- UN consolidated list XML ---------------------------------------------------------------------


def test_un_name_parts_are_joined_and_the_original_script_is_an_alias() -> None:
    samiri = by_id(UN)["UN-QDi.901"]
    assert samiri.name == "KHALID ABDULRAHMAN AL-SAMIRI" and samiri.kind == "person"
    assert samiri.aliases == ("خالد عبد الرحمن السميري", "Khalid al-Samiri")
    zarembsky = by_id(UN)["UN-7000003"]
    assert zarembsky.aliases == ("Игорь Валентинович Зарембский",)
    assert by_id(UN)["UN-KPi.901"].aliases == ("박철수", "Pak Chol-su")


def test_un_low_quality_alias_becomes_weak_alias() -> None:
    entries = by_id(UN)
    assert entries["UN-QDi.901"].weak_aliases == ("Abu Salim",)
    assert entries["UN-KPe.901"].weak_aliases == ("GCMA",)
    assert entries["UN-KPe.901"].aliases == ("Green Crescent Shipping",)


def test_un_id_is_the_reference_number_or_else_the_dataid() -> None:
    assert list(by_id(UN)) == ["UN-QDi.901", "UN-KPi.901", "UN-7000003", "UN-KPe.901", "UN-QDe.901"]
    assert {(e.list_name, e.action) for e in by_id(UN).values()} == {("UN-CONSOLIDATED", "DNL")}


def test_un_addresses_documents_and_countries() -> None:
    entries = by_id(UN)
    barakah = entries["UN-QDe.901"]
    assert barakah.kind == "organization" and barakah.country == "PK"
    assert barakah.address == "Plot 22, Block 7, Gulshan-e-Iqbal, Karachi" and barakah.addresses == ("Kabul",)
    assert entries["UN-QDi.901"].identifiers == (("Passport", "N0012345"),)
    assert entries["UN-QDi.901"].country == "SY"  # 'Syrian Arab Republic'
    assert entries["UN-KPi.901"].country == "KP"  # an empty address: the nationality
    assert entries["UN-7000003"].address == "ul. Portovaya 8, Vladivostok, 690001"


def test_un_malformed_file_names_file_and_line() -> None:
    err = error(LISTS / "un-consolidated-malformed.xml")
    assert err.line == 8 and "not well-formed XML" in str(err)


def test_un_entity_without_a_name_names_its_reference(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "un.xml",
        "<CONSOLIDATED_LIST><ENTITIES>\n<ENTITY><DATAID>5</DATAID><REFERENCE_NUMBER>KPe.1</REFERENCE_NUMBER>"
        "<FIRST_NAME/></ENTITY>\n</ENTITIES></CONSOLIDATED_LIST>\n",
    )
    assert str(error(path)) == f"{path} line 2: ENTITY KPe.1: no name"


# --- EU Financial Sanctions Files XML ------------------------------------------------------------------


def test_eu_first_strong_name_alias_is_the_name_and_other_strong_ones_aliases() -> None:
    kostromin = by_id(EU)["EU-880001"]
    assert kostromin.name == "Andrei Viktorovich KOSTROMIN" and kostromin.kind == "person"
    # The German spelling is the same name: kept once.
    assert kostromin.aliases == ("Андрей Викторович КОСТРОМИН",)


def test_eu_name_alias_not_strong_becomes_weak_alias() -> None:
    entries = by_id(EU)
    assert entries["EU-880001"].weak_aliases == ("Andrey Kostromin",)
    assert entries["EU-880002"].weak_aliases == ("Uralkristall",)
    assert entries["EU-880002"].aliases == ("АО Уралкристалл Оптика",)


def test_eu_name_alias_without_a_whole_name_is_built_from_its_parts() -> None:
    assert by_id(EU)["EU-880004"].name == "Mehdi RAHIMZADEH"


def test_eu_addresses_identifications_and_countries() -> None:
    entries = by_id(EU)
    assert entries["EU-880002"].address == "ul. Kristallnaya 3, 620000 Yekaterinburg, Sverdlovsk Oblast"
    assert entries["EU-880002"].identifiers == (("regnumber", "1026600123456"), ("tax", "6660012345"))
    assert entries["EU-880003"].address == "PO Box 15875-1234, Tehran"
    assert entries["EU-880003"].country == "IR" and entries["EU-880003"].kind == "organization"
    rahimzadeh = entries["EU-880004"]
    assert rahimzadeh.address is None and rahimzadeh.country == "IR"  # '00' address: the citizenship
    assert {(e.list_name, e.action) for e in entries.values()} == {("EU-FSF", "DNL")}


def test_eu_malformed_file_names_file_and_line() -> None:
    err = error(LISTS / "eu-fsf-malformed.xml")
    assert err.line == 7 and "not well-formed XML" in str(err)


def test_eu_entity_without_a_name_names_its_logical_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "eu.xml",
        '<export xmlns="http://eu.europa.eu/fpi/fsd/export">\n'
        '<sanctionEntity logicalId="42"><subjectType code="person"/></sanctionEntity>\n</export>\n',
    )
    assert str(error(path)) == f"{path} line 2: sanctionEntity logicalId 42: no name"


# --- format selection -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        (OURS, "csv"),
        (OPENSANCTIONS, "opensanctions"),
        (OFAC, "ofac-sdn"),
        (UN, "un-consolidated"),
        (EU, "eu-fsf"),
        (LISTS / "ofac-sdn-malformed.xml", "ofac-sdn"),
    ],
)
def test_format_is_detected_from_the_content(path: Path, fmt: str) -> None:
    assert detect_format(path) == fmt


def test_a_format_given_is_not_second_guessed(tmp_path: Path) -> None:
    err = error(UN, format="ofac-sdn")
    assert "line 1: root element is 'CONSOLIDATED_LIST', not 'sdnList'" in str(err)
    assert "not well-formed XML" in str(error(OPENSANCTIONS, format="eu-fsf"))
    assert "is not one of csv, opensanctions, ofac-sdn, un-consolidated, eu-fsf" in str(
        error(UN, format="xml")
    )


def test_an_unknown_xml_root_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn_advanced.xml", '<?xml version="1.0"?>\n<Sanctions><x/></Sanctions>\n')
    assert "XML root element 'Sanctions' is none of sdnList (ofac-sdn)" in str(error(path))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert str(error(tmp_path / "gone.xml")) == f"{tmp_path / 'gone.xml'}: list file not found"
    assert "list file not found" in str(error(tmp_path / "gone.xml", format="un-consolidated"))


def test_a_source_carries_its_settings_and_keywords_override_them() -> None:
    source = WatchListSource(OFAC, "ofac-sdn", "OFAC-RUSSIA", "RFS")
    assert {(e.list_name, e.action) for e in by_id(source).values()} == {("OFAC-RUSSIA", "RFS")}
    assert {e.action for e in by_id(source, action="DNL").values()} == {"DNL"}


@pytest.mark.parametrize(("name", "code"), [("Korea, North", "KP"), ("Türkiye", "TR"), ("Atlantis", None)])
def test_country_names_are_read_with_a_small_table(name: str, code: str | None) -> None:
    assert country_from_name(name) == code


# --- XML safety -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE sdnList [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE sdnList [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE sdnList SYSTEM "http://127.0.0.1:9/sdn.dtd">',
    ],
)
def test_a_doctype_is_refused_and_no_entity_is_expanded(tmp_path: Path, prolog: str) -> None:
    path = write(
        tmp_path,
        "sdn.xml",
        f'<?xml version="1.0"?>\n{prolog}\n<sdnList><sdnEntry><uid>1</uid><lastName>&b;</lastName>'
        "</sdnEntry></sdnList>\n",
    )
    assert "a DOCTYPE is not accepted in a watch-list file" in str(error(path))
    assert "a DOCTYPE is not accepted" in str(error(path, format="ofac-sdn"))


def test_a_large_ofac_file_is_streamed_entry_by_entry(tmp_path: Path) -> None:
    entry = (
        "<sdnEntry><uid>{n}</uid><lastName>PARTY {n} TRADING</lastName><sdnType>Entity</sdnType></sdnEntry>\n"
    )
    path = tmp_path / "sdn.xml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('<sdnList xmlns="http://tempuri.org/sdnList.xsd">\n')
        handle.writelines(entry.format(n=n) for n in range(1, 5001))
        handle.write("</sdnList>\n")
    entries = load_entries(path)
    assert len(entries) == 5000 and entries[-1] == (5001, entries[-1][1])
    assert entries[-1][1].name == "PARTY 5000 TRADING"


# --- WatchList.load and rules.toml ------------------------------------------------------------------------


def test_watch_list_loads_every_format_together() -> None:
    sources = [OURS, OPENSANCTIONS, OFAC, UN, EU]
    wl = WatchList.load(sources)
    assert len(wl) == 3 + 6 + 6 + 5 + 5
    assert len(wl.version) == 12 and WatchList.load(sources).version == wl.version
    configured = WatchListSource(OFAC, list_name="OFAC-RUSSIA")
    assert WatchList.load([OURS, OPENSANCTIONS, configured, UN, EU]).version != wl.version


def test_duplicate_id_across_formats_names_both_places(tmp_path: Path) -> None:
    clash = write(tmp_path, "ours.csv", HEADER + "OFAC-90003,Somebody Else,,,,L,RFS,,,,,\n")
    with pytest.raises(
        PolicyError, match=r"ours.csv line 2: duplicate id 'OFAC-90003' \(first at ofac-sdn.xml line 122\)"
    ):
        WatchList.load([OFAC, clash])


RULES = """\
version = "test-lists"

[lists]
watchlists = [
    "watchlists/acid-watchlist.csv",
    { path = "watchlists/ofac-sdn.xml", format = "ofac-sdn", list_name = "OFAC-SDN-TEST", action = "RFS" },
    { path = "watchlists/un-consolidated.xml" },
]
watchlist_threshold = 88.0

[[rules]]
id = "WL"
type = "watchlist"
title = "Watch-list screening"
"""


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    (tmp_path / "watchlists").mkdir()
    for name in ("acid-watchlist.csv", "ofac-sdn.xml", "un-consolidated.xml"):
        shutil.copy(LISTS / name, tmp_path / "watchlists" / name)
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    return tmp_path


def test_rules_toml_inline_table_loads_an_ofac_list_that_screens_its_parties(rules_dir: Path) -> None:
    policy = Policy.load(rules_dir)
    assert policy.watchlist is not None and len(policy.watchlist) == 3 + 6 + 5
    hits = policy.watchlist.screen_name("Volkhov Aviaparts LLC")
    assert hits and hits[0].entry.id == "OFAC-90001"
    assert (hits[0].action, hits[0].entry.list_name) == ("RFS", "OFAC-SDN-TEST")
    un = policy.watchlist.screen_name("Green Crescent Maritime Agency")
    assert un and un[0].entry.id == "UN-KPe.901" and un[0].action == "DNL"


def test_rules_version_follows_a_watch_list_setting(rules_dir: Path) -> None:
    before = Policy.load(rules_dir).version
    rules = rules_dir / "rules.toml"
    rules.write_text(RULES.replace('action = "RFS"', 'action = "DNL"'), encoding="utf-8")
    assert Policy.load(rules_dir).version != before


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ('{ path = "x.xml", fromat = "ofac-sdn" }', "watchlists item 1: unknown key(s) fromat"),
        ('{ path = "x.xml", format = "ofac" }', "watchlists item 1: format 'ofac' is not one of csv,"),
        ('{ path = "x.xml", action = "BLOCK" }', "watchlists item 1: action 'BLOCK' is not RFS or DNL"),
        ('{ format = "eu-fsf" }', "watchlists item 1: no path"),
        ('{ path = "x.xml", list_name = "" }', "watchlists item 1: list_name must be a non-empty string"),
        ("42", "watchlists item 1: must be a path or an inline table"),
    ],
)
def test_rules_toml_refuses_a_bad_watch_list_item(rules_dir: Path, item: str, message: str) -> None:
    rules = rules_dir / "rules.toml"
    rules.write_text(
        RULES.replace('    "watchlists/acid-watchlist.csv",\n', f"    {item},\n"), encoding="utf-8"
    )
    with pytest.raises(PolicyError) as err:
        Policy.load(rules_dir)
    assert message in str(err.value) and err.value.path == str(rules)


def test_rules_toml_names_a_configured_watch_list_that_is_missing(rules_dir: Path) -> None:
    (rules_dir / "watchlists" / "ofac-sdn.xml").unlink()
    with pytest.raises(PolicyError, match=r"ofac-sdn\.xml: watch-list file not found"):
        Policy.load(rules_dir)
