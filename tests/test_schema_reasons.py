"""Schema rejections as a carrier's integrator reads them: the PACT code, the failing element's own
path and one plain sentence (which field, what was wrong, what is allowed). Each case is a real
fixture with one realistic mistake; the whole-schema walk is tests/test_schema_walk.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from acid_processor import codes
from acid_processor.check import Checker
from acid_processor.cli import main
from acid_processor.formats import validate
from acid_processor.formats.schema_model import SchemaModel, ValueRule
from acid_processor.formats.schema_reasons import FIELDS, RULE_TEXTS, rule_text
from acid_processor.formats.validate import SCHEMA_FILES, SchemaError, SchemaRegistry, schemas_dir

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
XFWB = FIXTURES / "assess" / "xfwb-direct-clean.xml"
XFZB = FIXTURES / "samples" / "xfzb3-house.xml"
MC = "Waybill/MasterConsignment"
CONSIGNEE_ADDRESS = f"{MC}/ConsigneeParty/PostalStructuredAddress"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


def edited(path: Path, *edits: tuple[str, str]) -> bytes:
    """The fixture with each (old, new) text replaced once; the old text must be there."""
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode()


def rejections(checker: Checker, raw: bytes) -> list[tuple[str, str | None, str]]:
    result = checker.check(raw)
    assert not result.valid
    return [(r.code, r.path, r.detail) for r in result.rejections]


def test_lower_case_airport_code_is_invalid_routing_said_plainly(checker):
    raw = edited(XFWB, ("<OriginLocation>\n      <ID>VCP</ID>", "<OriginLocation>\n      <ID>vcp</ID>"))
    assert rejections(checker, raw) == [
        (
            codes.INVALID_ROUTING,
            f"{MC}/OriginLocation/ID",
            "OriginLocation/ID 'vcp' is not an airport code: 3 to 5 capital letters or digits "
            "(IATA or UN/LOCODE).",
        )
    ]


def test_unknown_country_is_named_with_its_value_and_the_iso_rule_not_the_list(checker):
    raw = edited(XFWB, ("<CountryID>FR</CountryID>", "<CountryID>XX</CountryID>"))
    ((code, path, detail),) = rejections(checker, raw)
    assert (code, path) == (codes.MISSING_CNE_CTRY, f"{CONSIGNEE_ADDRESS}/CountryID")
    assert detail == (
        "ConsigneeParty/PostalStructuredAddress/CountryID 'XX' is not a country code: "
        "an ISO 3166 two-letter code such as DE or US."
    )


@pytest.mark.parametrize(
    ("party", "code"),
    [("ConsigneeParty", codes.MISSING_CNE_ADDR), ("ConsignorParty", codes.MISSING_SHP_ADDR)],
)
def test_missing_city_is_reported_at_cityname_not_at_the_next_sibling(checker, party, code):
    tree = etree.parse(str(XFWB))
    city = tree.find(
        f".//{{iata:datamodel:3}}{party}/{{iata:datamodel:3}}PostalStructuredAddress/{{*}}CityName"
    )
    city.getparent().remove(city)
    ((got, path, detail),) = rejections(checker, etree.tostring(tree))
    assert (got, path) == (code, f"{MC}/{party}/PostalStructuredAddress/CityName")
    assert detail.startswith(f"{party}/PostalStructuredAddress/CityName is missing: the ")


@pytest.mark.parametrize(
    ("fixture", "old", "code", "path"),
    [
        (XFWB, "<Name>MAISON DUPRE PRET-A-PORTER SARL</Name>", codes.MISSING_CNE_NAME,
         f"{MC}/ConsigneeParty/Name"),
        (XFWB, "<Name>TEXTIL BOA VISTA INDUSTRIA E COMERCIO LTDA</Name>", codes.MISSING_SHP_NAME,
         f"{MC}/ConsignorParty/Name"),
        (XFZB, "<Name>REPAIR DIENST GMBH</Name>", codes.MISSING_CNE_NAME,
         "HouseWaybill/MasterConsignment/IncludedHouseConsignment/ConsigneeParty/Name"),
        (XFZB, "<Name>SPARE PART LTD.</Name>", codes.MISSING_SHP_NAME,
         "HouseWaybill/MasterConsignment/IncludedHouseConsignment/ConsignorParty/Name"),
    ],
)  # fmt: skip
def test_an_empty_name_is_missing_exactly_like_an_absent_or_blank_one(checker, fixture, old, code, path):
    empty = checker.check(edited(fixture, (old, "<Name></Name>")))
    blank = checker.check(edited(fixture, (old, "<Name>   </Name>")))
    absent = checker.check(edited(fixture, (old, "")))
    for result in (empty, blank, absent):
        assert [(r.code, r.path) for r in result.rejections] == [(code, path)]
    assert empty.rejections[0].detail.endswith(
        "is empty: the consignee's name is required (1 to 70 characters)."
    ) or (
        empty.rejections[0].detail.endswith("is empty: the shipper's name is required (1 to 70 characters).")
    )


def test_an_empty_required_text_is_missing_not_invalid(checker):
    raw = edited(XFWB, ("<CityName>Roissy CDG Cedex</CityName>", "<CityName/>"))
    assert rejections(checker, raw) == [
        (
            codes.MISSING_CNE_ADDR,
            f"{CONSIGNEE_ADDRESS}/CityName",
            "ConsigneeParty/PostalStructuredAddress/CityName is empty: the consignee's city is required "
            "(1 to 70 characters).",
        )
    ]


def test_weight_unit_missing_or_unknown_is_missing_wt_units(checker):
    good = '<IncludedTareGrossWeightMeasure unitCode="KGM">'
    none = rejections(checker, edited(XFWB, (good, "<IncludedTareGrossWeightMeasure>")))
    tons = rejections(checker, edited(XFWB, (good, '<IncludedTareGrossWeightMeasure unitCode="TON">')))
    where = f"{MC}/IncludedTareGrossWeightMeasure"
    assert none == [
        (
            codes.MISSING_WT_UNITS,
            where,
            "MasterConsignment/IncludedTareGrossWeightMeasure has no unitCode: "
            "KGM (kilograms) or LBR (pounds) is required.",
        )
    ]
    assert tons == [
        (
            codes.MISSING_WT_UNITS,
            where,
            "MasterConsignment/IncludedTareGrossWeightMeasure/@unitCode 'TON' is not a weight unit: "
            "KGM (kilograms) or LBR (pounds).",
        )
    ]


def test_fractional_pieces_and_an_over_long_name_say_what_is_allowed(checker):
    pieces = rejections(checker, edited(XFWB, ("<TotalPieceQuantity>4<", "<TotalPieceQuantity>4.5<")))
    assert pieces == [
        (
            codes.INVALID_BILL_QTY,
            f"{MC}/TotalPieceQuantity",
            "MasterConsignment/TotalPieceQuantity '4.5' is not a whole number: "
            "a whole number of 1 or more, e.g. 4.",
        )
    ]
    name = "MAISON DUPRE PRET-A-PORTER SARL"
    long = rejections(checker, edited(XFWB, (name, name + " " + "X" * 40)))
    assert long == [
        (
            codes.INVALID_CNE_NAME,
            f"{MC}/ConsigneeParty/Name",
            "ConsigneeParty/Name is 72 characters long: at most 70 are allowed.",
        )
    ]


def test_a_missing_consignee_names_what_it_must_hold(checker):
    tree = etree.parse(str(XFWB))
    consignee = tree.find(".//{iata:datamodel:3}ConsigneeParty")
    consignee.getparent().remove(consignee)
    assert rejections(checker, etree.tostring(tree)) == [
        (
            codes.MISSING_CNE_NAME,
            f"{MC}/ConsigneeParty",
            "MasterConsignment/ConsigneeParty is missing: the consignee is required, with Name and "
            "PostalStructuredAddress.",
        )
    ]


@pytest.mark.parametrize(
    ("edit", "path", "sentence"),
    [
        (
            ("<TotalPieceQuantity>4</TotalPieceQuantity>",
             "<TotalPieceQuantity>4</TotalPieceQuantity><FavouriteColour>blue</FavouriteColour>"),
            f"{MC}/FavouriteColour",
            "MasterConsignment/FavouriteColour is not part of XFWB 3.00: remove it, or check its name.",
        ),
        (
            ("<TotalPieceQuantity>4</TotalPieceQuantity>",
             "<TotalPieceQuantity>4</TotalPieceQuantity><TotalPieceQuantity>4</TotalPieceQuantity>"),
            f"{MC}/TotalPieceQuantity[2]",
            "MasterConsignment/TotalPieceQuantity[2] is repeated: "
            "MasterConsignment may have 1 TotalPieceQuantity only.",
        ),
        (
            ("<Name>MAISON DUPRE PRET-A-PORTER SARL</Name>",
             '<Name xmlns="urn:other">MAISON DUPRE PRET-A-PORTER SARL</Name>'),
            f"{MC}/ConsigneeParty/Name",
            None,
        ),
        (
            ("<ConsigneeParty>", "<ConsigneeParty>CONSIGNEE"),
            f"{MC}/ConsigneeParty",
            "MasterConsignment/ConsigneeParty holds elements only, not the text 'CONSIGNEE': "
            "remove the text.",
        ),
        (
            ("<CityName>Roissy CDG Cedex</CityName>", '<CityName lang="fr">Roissy CDG Cedex</CityName>'),
            f"{CONSIGNEE_ADDRESS}/CityName",
            "ConsigneeParty/PostalStructuredAddress/CityName has an attribute lang that is not allowed: "
            "remove it.",
        ),
    ],
)  # fmt: skip
def test_structure_mistakes_are_unexpected_content_in_plain_words(checker, edit, path, sentence):
    result = checker.check(edited(XFWB, edit))
    found = {r.path: r for r in result.rejections}
    assert path in found, [(r.code, r.path) for r in result.rejections]
    if sentence is None:  # a name in another namespace: the name is missing, and the sentence says why
        assert found[path].code == codes.MISSING_CNE_NAME
        assert "is in the namespace urn:other" in found[path].detail
        assert "iata:datamodel:3" in found[path].detail
    else:
        assert (found[path].code, found[path].detail) == (codes.UNEXPECTED_CONTENT, sentence)


def test_elements_out_of_order_say_what_must_come_first(checker):
    raw = edited(
        XFWB,
        ("<OriginLocation>\n      <ID>VCP</ID>\n    </OriginLocation>\n    ", ""),
        (
            "</FinalDestinationLocation>",
            "</FinalDestinationLocation><OriginLocation><ID>VCP</ID></OriginLocation>",
        ),
    )
    assert rejections(checker, raw) == [
        (
            codes.UNEXPECTED_CONTENT,
            f"{MC}/FinalDestinationLocation",
            "MasterConsignment/FinalDestinationLocation is out of order: OriginLocation must come before it.",
        )
    ]


# --- --explain keeps the raw words ----------------------------------------------------------


def test_check_explain_adds_libxml2s_and_xmlschemas_own_words_after_the_plain_reasons(capsys, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(edited(XFWB, ("<Name>MAISON DUPRE PRET-A-PORTER SARL</Name>", "<Name></Name>")))
    assert main(["check", "--json", str(bad)]) == 1
    plain = json.loads(capsys.readouterr().out)["reasons"]
    assert main(["check", "--json", "--explain", str(bad)]) == 1
    explained = json.loads(capsys.readouterr().out)["reasons"]
    assert explained[: len(plain)] == plain
    extra = explained[len(plain) :]
    assert [r["detail"].split(":")[0] for r in extra] == [
        "libxml2 says",
        "xmlschema says, at Waybill/MasterConsignment/ConsigneeParty/Name",
    ]
    assert "[facet 'minLength']" in extra[0]["detail"] and "underruns" in extra[0]["detail"]
    assert {r["code"] for r in extra} == {codes.MISSING_CNE_NAME}
    assert all("facet" not in r["detail"] for r in plain)


# --- built once, cheap on the hot path ------------------------------------------------------


def test_a_rejection_never_parses_or_compiles_a_schema(checker, monkeypatch):
    registry = SchemaRegistry()
    raw = edited(XFWB, ("<CountryID>FR</CountryID>", "<CountryID>XX</CountryID>"))
    root = etree.fromstring(raw)

    def forbidden(*args, **kwargs):
        raise AssertionError("a schema was read or compiled per message")

    monkeypatch.setattr(validate.etree, "XMLSchema", forbidden)
    monkeypatch.setattr(validate.etree, "parse", forbidden)
    monkeypatch.setattr(etree, "parse", forbidden)
    reasons = registry.validate(root, "XFWB", "3.00")
    assert [r.code for r in reasons] == [codes.MISSING_CNE_CTRY]
    assert registry.validate(etree.fromstring(XFWB.read_bytes()), "XFWB", "3.00") == []


# --- the table and the words cover the schemas ----------------------------------------------


def all_paths() -> set[tuple[str, ...]]:
    """Every element path (local names) the filing schemas declare."""
    model = SchemaModel(schemas_dir())
    out: set[tuple[str, ...]] = set()

    def walk(decl, path):
        path = (*path, decl.name)
        out.add(path)
        for child in decl.type.children:
            walk(child, path)

    for key, name in SCHEMA_FILES.items():
        if key[0] in ("XFWB", "XFZB", "XFHL", "XFFM"):
            walk(model.root(name), ())
    return out


def test_every_row_of_the_table_names_elements_the_schemas_have():
    paths = all_paths()
    dead = [f.suffix for f in FIELDS if not any(p[-len(f.suffix) :] == f.suffix for p in paths)]
    assert dead == []
    assert len({f.suffix for f in FIELDS}) == len(FIELDS), "a suffix appears twice in the table"


def all_rules() -> set[ValueRule]:
    model = SchemaModel(schemas_dir())
    rules: set[ValueRule] = set()

    def walk(decl):
        if decl.type.value is not None:
            rules.add(decl.type.value)
        rules.update(a.rule for a in decl.type.attributes.values())
        for child in decl.type.children:
            walk(child)

    for name in SCHEMA_FILES.values():
        walk(model.root(name))
    return rules


def test_every_value_rule_in_the_schemas_is_said_in_words():
    unsaid = []
    for rule in all_rules():
        noun, allowed = rule_text(rule)
        constrained = (
            rule.patterns or rule.enumeration or rule.max_length or rule.builtin not in ("string", "token")
        )
        if constrained and (allowed is None or noun == "a value"):
            unsaid.append(rule.lineage)
        if rule.patterns:  # a pattern cannot be said from its facets: it needs its own words
            assert any(name in RULE_TEXTS and RULE_TEXTS[name].allowed for name in rule.lineage), rule.lineage
    assert unsaid == []


def test_a_schema_construct_the_model_cannot_read_stops_the_start_naming_the_file(tmp_path):
    copy = tmp_path / "schemas"
    shutil.copytree(schemas_dir(), copy)
    model = copy / "iata-datamodel-3.xsd"
    text = model.read_text(encoding="utf-8")
    text = text.replace(
        '<xs:element name="Name" type="ram:NameTextType"/>',
        '<xs:choice><xs:element name="Name" type="ram:NameTextType"/></xs:choice>',
        1,
    )
    model.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as raised:
        SchemaRegistry(copy)
    message = str(raised.value)
    assert "\n" not in message and "iata-datamodel-3.xsd" in message and "<choice>" in message
