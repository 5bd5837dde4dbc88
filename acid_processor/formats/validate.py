"""Schema validation: the project's XSDs compiled once with lxml, and errors turned into reasons
with a PACT code, an element path, a line and a sentence a carrier's integrator can act on.

lxml's XMLSchema (libxml2) is the hot path. The pure-Python `xmlschema` library is used only to
explain a document that has already failed, in more detail, on request (`check --explain`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from acid_processor import codes
from acid_processor.formats.xmlpath import element_path, resolve_libxml2_path
from acid_processor.model import Reason

_PACKAGE = Path(__file__).resolve().parents[1]
# Where the XSDs are without ACID_SCHEMAS_DIR: inside the installed package (a wheel maps the
# repository's schemas/ folder to acid_processor/schemas), else beside the package in a checkout.
_CANDIDATES = (_PACKAGE / "schemas", _PACKAGE.parent / "schemas")

# (kind, version) -> file in schemas/
SCHEMA_FILES: dict[tuple[str, str], str] = {
    ("XFWB", "3.00"): "xfwb-3.00.xsd",
    ("XFZB", "3.00"): "xfzb-3.00.xsd",
    ("XFHL", "2.00"): "xfhl-2.00.xsd",
    ("XFFM", "2.00"): "xffm-2.00.xsd",
    ("XFFM", "3.00"): "xffm-3.00.xsd",
    ("XFNM", "3.00"): "xfnm-3.00.xsd",
    ("XCSN", "1.00"): "xcsn-1.00.xsd",
}

MAX_REASONS = 20  # a carrier needs the first errors, not ten thousand


class SchemaError(Exception):
    """A schema file is missing, unreadable or not a valid XSD: names the file (stops the start)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path


def schemas_dir() -> Path:
    """Where the XSDs are: $ACID_SCHEMAS_DIR, else the copy installed with the package, else the
    repository's schemas/ folder (a source checkout or an editable install)."""
    env = os.environ.get("ACID_SCHEMAS_DIR")
    if env:
        return Path(env)
    for candidate in _CANDIDATES:
        if (candidate / "iata-datamodel-3.xsd").is_file():
            return candidate
    return _CANDIDATES[0]


class SchemaRegistry:
    """Every schema compiled once at start; validation is then one libxml2 call per message."""

    def __init__(self, directory: Path | None = None, kinds: Iterable[tuple[str, str]] | None = None):
        self.directory = directory or schemas_dir()
        self._schemas: dict[tuple[str, str], etree.XMLSchema] = {}
        for key in kinds or SCHEMA_FILES:
            self._schemas[key] = _compile(self.directory / SCHEMA_FILES[key])

    def schema(self, kind: str, version: str) -> etree.XMLSchema:
        return self._schemas[(kind, version)]

    def path(self, kind: str, version: str) -> Path:
        return self.directory / SCHEMA_FILES[(kind, version)]

    def validate(self, root: etree._Element, kind: str, version: str) -> list[Reason]:
        """An empty list when the message is schema-valid, else reasons for its first errors."""
        schema = self._schemas[(kind, version)]
        if schema.validate(root):
            return []
        reasons = []
        for entry in schema.error_log:
            element = resolve_libxml2_path(root, entry.path)
            where = element_path(element) if element is not None else _readable_path(entry.path)
            reasons.append(schema_reason(entry.message, where, entry.line))
            if len(reasons) >= MAX_REASONS:
                break
        return reasons


def _compile(path: Path) -> etree.XMLSchema:
    """One XSD compiled; SchemaError (one line naming the file) when it cannot be."""
    if not path.is_file():
        raise SchemaError(path, "schema file not found (set ACID_SCHEMAS_DIR, or reinstall the package)")
    try:
        # The schemas are the project's own files; imports are resolved next to them, never fetched.
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.XMLSchema(etree.parse(str(path), parser))
    except OSError as exc:
        raise SchemaError(path, f"cannot read: {exc.strerror or exc}") from None
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise SchemaError(path, f"not a valid schema: {exc}") from None


# --- turning libxml2 messages into reasons ------------------------------------------------------

_CLARK = re.compile(r"\{[^}'\s]*:[^}'\s]*\}")  # {namespace-uri}, not a {3} quantifier or a set
_PATH_STEP = re.compile(r"^(?:[\w.-]+:)?([\w.-]+)(\[\d+\])?$")
_EXPECTED = re.compile(r"Expected is(?: one of)? \( ([^)]*) \)")

# Element-path suffixes mapped to (code when missing, code when present but invalid).
_FIELD_CODES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("HouseWaybill", "BusinessHeaderDocument", "ID"),
        codes.MISSING_HOUSE_BILL_NBR,
        codes.INVALID_HOUSE_BILL_NBR,
    ),
    (("BusinessHeaderDocument", "ID"), codes.MISSING_WBL_LINE, codes.BAD_WBL_FORMAT),
    # An XFHL house line names its house in TransportContractDocument/ID.
    (
        ("IncludedHouseConsignment", "TransportContractDocument", "ID"),
        codes.MISSING_HOUSE_BILL_NBR,
        codes.INVALID_HOUSE_BILL_NBR,
    ),
    (
        ("IncludedHouseConsignment", "TransportContractDocument"),
        codes.MISSING_HOUSE_BILL_NBR,
        codes.MISSING_HOUSE_BILL_NBR,
    ),
    (("TransportContractDocument", "ID"), codes.MISSING_WBL_LINE, codes.BAD_WBL_FORMAT),
    (("IncludedHouseConsignment", "ID"), codes.MISSING_HOUSE_BILL_NBR, codes.INVALID_HOUSE_BILL_NBR),
    (("ConsignorParty", "Name"), codes.MISSING_SHP_NAME, codes.INVALID_SHP_NAME),
    (
        ("ConsignorParty", "PostalStructuredAddress", "CountryID"),
        codes.MISSING_SHP_CTRY,
        codes.MISSING_SHP_CTRY,
    ),
    (
        ("ConsignorParty", "PostalStructuredAddress", "CityName"),
        codes.MISSING_SHP_ADDR,
        codes.INVALID_SHP_ADDR,
    ),
    (
        ("ConsignorParty", "PostalStructuredAddress", "StreetName"),
        codes.MISSING_SHP_ADDR,
        codes.INVALID_SHP_ADDR,
    ),
    (("ConsignorParty", "PostalStructuredAddress"), codes.MISSING_SHP_ADDR, codes.MISSING_SHP_ADDR),
    (("ConsignorParty",), codes.MISSING_SHP_NAME, codes.SCHEMA_VIOLATION),
    (("ConsigneeParty", "Name"), codes.MISSING_CNE_NAME, codes.INVALID_CNE_NAME),
    (
        ("ConsigneeParty", "PostalStructuredAddress", "CountryID"),
        codes.MISSING_CNE_CTRY,
        codes.MISSING_CNE_CTRY,
    ),
    (
        ("ConsigneeParty", "PostalStructuredAddress", "CityName"),
        codes.MISSING_CNE_ADDR,
        codes.INVALID_CNE_ADDR,
    ),
    (
        ("ConsigneeParty", "PostalStructuredAddress", "StreetName"),
        codes.MISSING_CNE_ADDR,
        codes.INVALID_CNE_ADDR,
    ),
    (("ConsigneeParty", "PostalStructuredAddress"), codes.MISSING_CNE_ADDR, codes.MISSING_CNE_ADDR),
    (("ConsigneeParty",), codes.MISSING_CNE_NAME, codes.SCHEMA_VIOLATION),
    (("IncludedTareGrossWeightMeasure",), codes.MISSING_WEIGHT, codes.INVALID_WEIGHT),
    (("GrossWeightMeasure",), codes.MISSING_WEIGHT, codes.INVALID_WEIGHT),
    (("TotalPieceQuantity",), codes.MISSING_BILL_QTY, codes.INVALID_BILL_QTY),
    (("PieceQuantity",), codes.MISSING_BILL_QTY, codes.INVALID_BILL_QTY),
    (
        ("NatureIdentificationTransportCargo", "Identification"),
        codes.MISSING_CARGO_DESC,
        codes.MISSING_CARGO_DESC,
    ),
    (("SummaryDescription",), codes.MISSING_CARGO_DESC, codes.MISSING_CARGO_DESC),
    (("MessageHeaderDocument", "TypeCode"), codes.INVALID_MESSAGE_TYPE, codes.INVALID_MESSAGE_TYPE),
    (("MessageHeaderDocument", "VersionID"), codes.INVALID_MESSAGE_TYPE, codes.INVALID_MESSAGE_TYPE),
    (("OriginLocation",), codes.INVALID_ROUTING, codes.INVALID_ROUTING),
    (("FinalDestinationLocation",), codes.INVALID_ROUTING, codes.INVALID_ROUTING),
    (("SpecifiedLogisticsTransportMovement",), codes.INVALID_ROUTING, codes.INVALID_ROUTING),
)

_SPECIFIC_WEIGHT_UNIT = ("IncludedTareGrossWeightMeasure", "GrossWeightMeasure")


def _steps(path: str | None) -> list[str]:
    """'/ns2:Waybill/ns2:MasterConsignment/ConsignorParty[2]' -> ['Waybill', 'MasterConsignment', ...]."""
    out = []
    for raw in (path or "").split("/"):
        if not raw:
            continue
        m = _PATH_STEP.match(raw)
        out.append(m.group(1) if m else raw)
    return out


def _readable_path(path: str | None) -> str | None:
    """The element path without prefixes, keeping positions: Waybill/MasterConsignment/..."""
    if not path:
        return None
    parts = []
    for raw in path.split("/"):
        if raw:
            m = _PATH_STEP.match(raw)
            parts.append(m.group(1) + (m.group(2) or "") if m else raw)
    return "/".join(parts)


def _classify(steps: list[str], missing: list[str], message: str) -> str:
    """The PACT code for an error at `steps`, or for a missing child of `steps` when `missing`
    names the candidates (the first that maps to a code wins)."""
    candidates = [([*steps, m], True) for m in missing] if missing else [(steps, False)]
    for path, is_missing in candidates:
        for suffix, missing_code, invalid_code in _FIELD_CODES:
            if tuple(path[-len(suffix) :]) == suffix:
                if not is_missing and path[-1] in _SPECIFIC_WEIGHT_UNIT and "unitCode" in message:
                    return codes.MISSING_WT_UNITS
                return missing_code if is_missing else invalid_code
    return codes.SCHEMA_VIOLATION


def schema_reason(message: str, path: str | None, line: int | None) -> Reason:
    """One schema error as a Reason: the PACT code from the element path (and, for a missing
    element, the name of what is missing), and the message without namespace noise."""
    steps = _steps(path)
    clean = _CLARK.sub("", message).strip()
    expected = _EXPECTED.search(clean)
    names = [n.strip() for n in expected.group(1).split(",")] if expected else []
    if names and "Missing child element" in clean:
        code = _classify(steps, names, clean)  # the error is on the parent of what is missing
    elif names and "This element is not expected" in clean:
        # An element in the wrong place usually means a required sibling before it is missing.
        code = _classify(steps[:-1], names, clean)
        if code == codes.SCHEMA_VIOLATION:
            code = _classify(steps, [], clean)
    else:
        code = _classify(steps, [], clean)
    detail = clean.rstrip(".") + "."
    if path:
        detail = f"At {path}: {detail}"
    return Reason(code, detail, path=path, line=line)


def explain(raw: bytes, schema_path: Path, limit: int = MAX_REASONS) -> list[Reason]:
    """A second opinion from the `xmlschema` library on a document lxml already refused: its
    messages name the expected content in more words. Slow (pure Python); never on the hot path."""
    import xmlschema  # imported here so the hot path never pays for it

    schema = _xmlschema_cache(schema_path)
    resource = xmlschema.XMLResource(raw, defuse="always", allow="none")
    out: list[Reason] = []
    for error in schema.iter_errors(resource):
        where = _readable_path(error.path)
        line = getattr(error, "sourceline", None)
        reason = _CLARK.sub("", str(error.reason or error.message).strip()).rstrip(".")
        obj = error.obj
        value = obj if isinstance(obj, str) else getattr(getattr(error, "elem", None), "text", None)
        if isinstance(value, str) and value.strip():
            reason += f" (the value filed is {value.strip()[:80]!r})"
        code = _classify(_steps(where), [], reason)
        out.append(Reason(code, f"xmlschema explains, at {where}: {reason}.", path=where, line=line))
        if len(out) >= limit:
            break
    return out


_XMLSCHEMA: dict[Path, object] = {}


def _xmlschema_cache(path: Path):  # -> xmlschema.XMLSchema
    import xmlschema

    if path not in _XMLSCHEMA:
        _XMLSCHEMA[path] = xmlschema.XMLSchema(str(path))
    return _XMLSCHEMA[path]
