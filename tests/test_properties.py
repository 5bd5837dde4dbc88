"""Property tests: random damage to real filings only ever produces reasons, never an exception.

Starting from the Cargo-XML samples (fixtures/samples/) and the valid fixtures (fixtures/valid/),
hypothesis mutates messages at three levels:

* bytes: flip bits, insert bytes (random or XML-significant: '<', '&foo;', a DOCTYPE, NUL, a lone
  UTF-8 lead byte...), delete runs, truncate, duplicate ranges;
* the tree: delete, duplicate or move a random element, replace an element's text with random
  unicode (control characters, blanks, digits of any script, very long strings), change, add or
  remove attributes such as unitCode, move an element into another namespace;
* the 7+1 data set: junk in the AWB and house numbers, shipper and consignee name and address,
  weight and unit, pieces, goods description and the security declaration.

Properties, for every mutated message: Checker().check never raises; `valid` is a bool; an invalid
result has at least one reason and every reason has a non-empty code and detail; when a filing is
returned, to_jsonable(filing) and the command line's JSON line serialise as strict JSON (no NaN or
Infinity). The extractor is also called directly, with every reader, on the mutated and possibly
schema-invalid tree: read_filing and the data-quality checks never raise either, and their output
serialises. Runs are derandomised so CI is reproducible.
"""

from __future__ import annotations

import copy
import json
import multiprocessing
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from acid_processor.check import Checker, CheckResult
from acid_processor.cli import check_json
from acid_processor.formats.cargo_xml import READERS, read_filing
from acid_processor.formats.safe_xml import SafeXmlReader
from acid_processor.model import to_jsonable
from acid_processor.quality import check_filing

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FILES = sorted((ROOT / "fixtures" / "samples").glob("*.xml")) + sorted(
    (ROOT / "fixtures" / "valid").glob("*.xml")
)
SAMPLES: list[tuple[str, bytes]] = [(p.name, p.read_bytes()) for p in SAMPLE_FILES]

CHECKER = Checker()
READER = SafeXmlReader()
RAM = "iata:datamodel:3"
NS = {"ram": RAM}

# libxml2's schema wording, which never reaches a carrier (formats/schema_reasons.py says it plainly).
SCHEMA_WORDS = ("facet", "underruns", "is not an element of the set", "Expected is", "{iata:", "Element '")

PROPERTY_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# --- what the properties assert -----------------------------------------------------------------


def assert_sound(result: CheckResult) -> None:
    """The contract of Checker.check for any input."""
    assert isinstance(result.valid, bool)
    if not result.valid:
        assert result.reasons, "an invalid result must say why"
    for reason in result.reasons:
        assert isinstance(reason.code, str) and reason.code.strip()
        assert isinstance(reason.detail, str) and reason.detail.strip()
        if not reason.code.startswith("XML_"):  # well-formedness errors quote the parser on purpose
            assert not any(word in reason.detail for word in SCHEMA_WORDS), reason.detail
    if result.filing is not None:
        json.dumps(to_jsonable(result.filing), allow_nan=False)
    json.dumps(check_json(Path("message.xml"), result), allow_nan=False, ensure_ascii=False)


def check_mutant(raw: bytes) -> None:
    """assert_sound on the check of a mutated message, noting the outcome for --hypothesis-show-statistics."""
    result = CHECKER.check(raw)
    assert_sound(result)
    event(f"valid={result.valid}")
    event(f"first code={result.reasons[0].code if result.reasons else None}")


def assert_extraction_sound(root: etree._Element) -> None:
    """Every reader on a (possibly schema-invalid) tree gives a record, never an exception."""
    for kind in READERS:
        filing = read_filing(root, kind)
        json.dumps(to_jsonable(filing), allow_nan=False)
        for reason in check_filing(filing):
            assert reason.code and reason.detail.strip()


# --- strategies ---------------------------------------------------------------------------------

INTERESTING_BYTES = [
    b"<", b">", b"&", b"&foo;", b"&#0;", b"&#x110000;", b"]]>", b"<!--", b"<![CDATA[", b'"', b"'",
    b"<!DOCTYPE x>", b'<!DOCTYPE x [<!ENTITY a "b">]>', b"<?pi x?>", b"\x00", b"\x01", b"\xff\xfe",
    b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\r\n", b"<a>", b"</a>",
    b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="x"/>', b'xmlns:ram="urn:x"',
]

SPECIAL_VALUES = [
    "", " ", "0", "-0", "-1", "0.000", "0.0001", "1e3", "1E+999999999", "1e-999999999", "NaN", "sNaN",
    "Infinity", "-Infinity", "9" * 30 + ".5", "1" + "0" * 40, "9" * 5000, "-" + "9" * 5000, "4.5",
    "٣٤", "12\u00a0345", "KGM", "LBR", "kgm", "TNE", ".pdf", "xxx", "...", "020-68548340", "020-6854834",
    "02068548340", "020 68548340", "ＡＢＣ", "SPX", "SHR NSC SCO", "XRY,EDD", "KC", "RA", "ISS", "OSS",
    "13APR211147", "99XXX991147", "Creation", "Deletion", "741", "740", "703", "3.00", "2.00",
    "CONSOLIDATION AS PER ATTACHED MANIFEST", "\t\n\r", "\u2028", "\u200b", "\ufeff", "\U0001f4a3",
]

JUNK_TEXT = st.one_of(
    st.text(max_size=40),  # any code point hypothesis likes, control characters included
    st.text(alphabet=st.characters(whitelist_categories=("Cc",)), min_size=1, max_size=8),
    st.text(alphabet=st.characters(whitelist_categories=("Nd",)), max_size=30),  # digits of any script
    st.text(alphabet=" \t\r\n\u00a0\u2028\u3000\u200b", max_size=10),
    st.sampled_from(SPECIAL_VALUES),
    st.builds(lambda c, n: c * n, st.characters(), st.integers(1_000, 60_000)),  # very long
)
# Attribute values lxml can hold (no control characters); raw bytes cover the rest.
ATTRIBUTE_TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.sampled_from(["", "KGM", "LBR", "K", "L", "kgm", " KGM ", "TNE", "MTQ", "\t"]),
)
NAMESPACES = [
    "", RAM, "iata:datamodel:2", "iata:waybill:1", "iata:housewaybill:1", "iata:housemanifest:1",
    "iata:flightmanifest:1", "iata:response:3", "iata:customsstatusnotification:1", "urn:evil",
    "iata:waybill:2",
]

# The 7+1 data set, and the header and security data around it.
FIELD_PATHS = [
    "/*/*[local-name()='BusinessHeaderDocument']/ram:ID",
    "//ram:TransportContractDocument/ram:ID",
    "//ram:IncludedHouseConsignment/ram:ID",
    "//ram:ConsignorParty/ram:Name",
    "//ram:ConsignorParty/ram:PostalStructuredAddress/*",
    "//ram:ConsigneeParty/ram:Name",
    "//ram:ConsigneeParty/ram:PostalStructuredAddress/*",
    "//ram:IncludedTareGrossWeightMeasure",
    "//ram:GrossWeightMeasure",
    "//ram:TotalPieceQuantity",
    "//ram:PieceQuantity",
    "//ram:SequenceNumeric",
    "//ram:SummaryDescription",
    "//ram:NatureIdentificationTransportCargo/ram:Identification",
    "//ram:HandlingSPHInstructions/ram:DescriptionCode",
    "//ram:HandlingSSRInstructions/ram:Description",
    "//ram:IncludedCustomsNote/*",
    "//ram:OriginLocation/ram:ID",
    "//ram:FinalDestinationLocation/ram:ID",
    "/*/*[local-name()='MessageHeaderDocument']/*",
]


class Mutant:
    """A parsed sample being damaged. Text lxml refuses to hold (control characters) is kept aside
    and spliced into the serialised bytes in place of a placeholder."""

    def __init__(self, raw: bytes) -> None:
        root, problem = READER.parse(raw)
        assert root is not None, problem
        self.root = root
        self.raw_texts: dict[str, str] = {}
        self.log: list[str] = []
        self.log_text = ""

    def __repr__(self) -> str:
        return f"Mutant({self.log!r})"

    def note(self, op: str, el: etree._Element, value: object = None) -> None:
        where = self.root.getroottree().getpath(el)
        self.log.append(f"{op} {where}" + ("" if value is None else f" = {value!r:.200}"))

    def elements(self) -> list[etree._Element]:
        return [e for e in self.root.iter() if isinstance(e.tag, str)]

    def set_text(self, el: etree._Element, text: str) -> None:
        self.log_text = text
        try:
            el.text = text
        except ValueError:  # not XML-compatible: only the byte form can carry it
            token = f"PLACEHOLDER{len(self.raw_texts)}X"
            el.text = token
            self.raw_texts[token] = text

    def to_bytes(self) -> bytes:
        out = etree.tostring(self.root.getroottree(), encoding="UTF-8", xml_declaration=True)
        for token, text in self.raw_texts.items():
            out = out.replace(token.encode(), escape(text).encode("utf-8", "surrogatepass"))
        return out


@st.composite
def byte_mutants(draw: st.DrawFn) -> bytes:
    _, raw = draw(st.sampled_from(SAMPLES))
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        n = len(data)
        if op == "flip" and n:
            i = draw(st.integers(0, n - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            i = draw(st.integers(0, n))
            data[i:i] = draw(st.binary(min_size=1, max_size=16) | st.sampled_from(INTERESTING_BYTES))
        elif op == "delete" and n:
            i = draw(st.integers(0, n - 1))
            del data[i : i + draw(st.integers(1, 200))]
        elif op == "truncate":
            del data[draw(st.integers(0, n)) :]
        elif op == "duplicate" and n:
            i = draw(st.integers(0, n - 1))
            chunk = data[i : i + draw(st.integers(1, 500))]
            at = draw(st.integers(0, n))
            data[at:at] = chunk * draw(st.integers(1, 3))
    return bytes(data)


@st.composite
def tree_mutants(draw: st.DrawFn) -> Mutant:
    _, raw = draw(st.sampled_from(SAMPLES))
    m = Mutant(raw)
    for _ in range(draw(st.integers(1, 4))):
        elements = m.elements()
        el = elements[draw(st.integers(0, len(elements) - 1))]
        parent = el.getparent()
        op = draw(st.sampled_from(["delete", "duplicate", "move", "text", "attribute", "namespace"]))
        if op == "delete" and parent is not None:
            m.note("delete", el)
            parent.remove(el)
        elif op == "duplicate" and parent is not None:
            m.note("duplicate", el)
            parent.insert(parent.index(el) + 1, copy.deepcopy(el))
        elif op == "move" and parent is not None:
            inside = set(el.iter())
            targets = [t for t in elements if t not in inside]
            target = targets[draw(st.integers(0, len(targets) - 1))]
            m.note("move", el, m.root.getroottree().getpath(target))
            target.insert(draw(st.integers(0, len(target))), el)
        elif op == "text":
            m.set_text(el, draw(JUNK_TEXT))
            m.note("text", el, m.log_text)
        elif op == "attribute":
            name = draw(st.sampled_from([*el.attrib.keys(), "unitCode", "schemeID", "currencyID"]))
            if name in el.attrib and draw(st.booleans()):
                m.note(f"remove @{name}", el)
                del el.attrib[name]
            else:
                el.set(name, value := draw(ATTRIBUTE_TEXT))
                m.note(f"set @{name}", el, value)
        elif op == "namespace":
            ns = draw(st.sampled_from(NAMESPACES))
            local = etree.QName(el).localname
            m.note("namespace", el, ns)
            el.tag = f"{{{ns}}}{local}" if ns else local
    return m


@st.composite
def field_mutants(draw: st.DrawFn) -> Mutant:
    _, raw = draw(st.sampled_from(SAMPLES))
    m = Mutant(raw)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in FIELD_PATHS if m.root.xpath(p, namespaces=NS)]
        if not paths:
            break
        hits = m.root.xpath(draw(st.sampled_from(paths)), namespaces=NS)
        el = hits[draw(st.integers(0, len(hits) - 1))]
        m.set_text(el, draw(JUNK_TEXT))
        m.note("text", el, m.log_text)
        if el.get("unitCode") is not None and draw(st.booleans()):
            if draw(st.booleans()):
                m.note("remove @unitCode", el)
                del el.attrib["unitCode"]
            else:
                el.set("unitCode", value := draw(ATTRIBUTE_TEXT))
                m.note("set @unitCode", el, value)
    return m


# --- the properties -----------------------------------------------------------------------------


def test_samples_are_a_meaningful_starting_point() -> None:
    """The mutations start from real filings the checker accepts, so they reach every stage."""
    assert len(SAMPLES) >= 5
    accepted = [name for name, raw in SAMPLES if CHECKER.check(raw).filing is not None]
    assert len(accepted) >= 5, accepted
    for _, raw in SAMPLES:
        assert_sound(CHECKER.check(raw))


@settings(PROPERTY_SETTINGS, max_examples=400)
@given(raw=byte_mutants())
def test_byte_mutations_only_produce_reasons(raw: bytes) -> None:
    check_mutant(raw)


@PROPERTY_SETTINGS
@given(mutant=tree_mutants())
def test_tree_mutations_only_produce_reasons(mutant: Mutant) -> None:
    check_mutant(mutant.to_bytes())
    assert_extraction_sound(mutant.root)


@settings(PROPERTY_SETTINGS, max_examples=500)
@given(mutant=field_mutants())
def test_junk_in_the_data_set_only_produces_reasons(mutant: Mutant) -> None:
    check_mutant(mutant.to_bytes())
    assert_extraction_sound(mutant.root)


@pytest.mark.parametrize("name", [name for name, _ in SAMPLES])
def test_extraction_of_each_sample_with_every_reader(name: str) -> None:
    raw = dict(SAMPLES)[name]
    assert_extraction_sound(Mutant(raw).root)


# --- numbers at the edge, placed deliberately ---------------------------------------------------

XFWB_SAMPLE = dict(SAMPLES)["xfwb3-example.xml"]


@pytest.mark.parametrize(
    ("path", "value", "rejected"),
    [
        ("//ram:IncludedTareGrossWeightMeasure", "9" * 30 + ".5", True),  # schema-valid, 31 digits
        ("//ram:IncludedTareGrossWeightMeasure", "1" + "0" * 400, True),  # would be float inf in JSON
        ("//ram:TotalPieceQuantity", "1" + "0" * 40, True),
        ("//ram:TotalPieceQuantity", "9" * 5000, True),  # past Python's 4,300-digit int printing limit
        ("//ram:SequenceNumeric", "9" * 5000, False),
    ],
)
def test_schema_valid_huge_numbers_are_reasons_not_crashes(path: str, value: str, rejected: bool) -> None:
    mutant = Mutant(XFWB_SAMPLE)
    for el in mutant.root.xpath(path, namespaces=NS):
        el.text = value
    result = CHECKER.check(mutant.to_bytes())
    assert_sound(result)
    assert result.filing is not None  # schema-valid: the extractor and quality checks did run
    assert result.valid is not rejected


NOT_NUMBERS = ["1E+999999999", "-1E+999999999", "1e-999999999", "Infinity", "-Infinity", "NaN", "sNaN", "4.5"]


def _extract_not_number(value: str) -> None:
    numeric = "//ram:TotalPieceQuantity | //ram:PieceQuantity | //ram:SequenceNumeric" + (
        " | //ram:IncludedTareGrossWeightMeasure | //ram:GrossWeightMeasure"
    )
    mutant = Mutant(XFWB_SAMPLE)
    for el in mutant.root.xpath(numeric, namespaces=NS):
        el.text = value
    assert_extraction_sound(mutant.root)


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_extractor_on_numbers_no_schema_would_pass(value: str) -> None:
    """Exponents, infinities and NaNs in every numeric field, read directly (the schema would refuse
    them): no exception, and no billion-digit integer built from 1E+999999999. int() of such a
    Decimal holds the GIL, so a thread could not guard it: the read runs in a forked child with a
    10 s guard, and an exception there is a non-zero exit status (its traceback on stderr)."""
    child = multiprocessing.get_context("fork").Process(target=_extract_not_number, args=(value,))
    child.start()
    child.join(10)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f"extraction of {value!r} did not finish within 10 s")
    assert child.exitcode == 0, f"extraction of {value!r} raised (see the child's stderr)"
