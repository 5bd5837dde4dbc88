"""Schema validation: the project's XSDs compiled once with lxml, and errors turned into reasons
with a PACT code, the element's own path, a line and a sentence a carrier's integrator can act on
(formats/schema_reasons.py, from a model of the XSDs read once at start).

lxml's XMLSchema (libxml2) is the hot path. libxml2's own wording, and the pure-Python `xmlschema`
library's second opinion, are shown only on request (`check --explain`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from lxml import etree

from acid_processor import codes
from acid_processor.formats.schema_model import SchemaModel, SchemaModelError
from acid_processor.formats.schema_reasons import ReasonWriter, code_for
from acid_processor.formats.xmlpath import element_path, readable_path, resolve_libxml2_path
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
    """Every schema compiled once at start, with the model its reasons are written from;
    validation is then one libxml2 call per message, and a rejection reads only the model."""

    def __init__(self, directory: Path | None = None, kinds: Iterable[tuple[str, str]] | None = None):
        self.directory = directory or schemas_dir()
        self._schemas: dict[tuple[str, str], etree.XMLSchema] = {}
        self._writers: dict[tuple[str, str], ReasonWriter] = {}
        model = SchemaModel(self.directory)
        for key in kinds or SCHEMA_FILES:
            self._schemas[key] = _compile(self.directory / SCHEMA_FILES[key])
            try:
                self._writers[key] = ReasonWriter(model.root(SCHEMA_FILES[key]), f"{key[0]} {key[1]}")
            except SchemaModelError as exc:
                raise SchemaError(exc.path, str(exc).removeprefix(f"{exc.path}: ")) from None

    def schema(self, kind: str, version: str) -> etree.XMLSchema:
        return self._schemas[(kind, version)]

    def path(self, kind: str, version: str) -> Path:
        return self.directory / SCHEMA_FILES[(kind, version)]

    def validate(self, root: etree._Element, kind: str, version: str) -> list[Reason]:
        """An empty list when the message is schema-valid, else reasons for its first errors, each
        at the failing element's own path, without libxml2's wording."""
        schema = self._schemas[(kind, version)]
        if schema.validate(root):
            return []
        writer = self._writers[(kind, version)]
        reasons: list[Reason] = []
        seen: set[tuple[str, str | None]] = set()
        for entry in schema.error_log:
            for reason in writer.reasons(root, entry.message, entry.path, entry.line):
                if (reason.code, reason.path) in seen:
                    continue  # libxml2 may report one fault twice (a facet, then the type)
                seen.add((reason.code, reason.path))
                reasons.append(reason)
                if len(reasons) >= MAX_REASONS:
                    return reasons
        return reasons

    def libxml2_says(self, root: etree._Element, kind: str, version: str) -> list[Reason]:
        """libxml2's own messages for a refused message, verbatim, each with the code of the reason
        it gave: for `check --explain`, never for a carrier."""
        schema = self._schemas[(kind, version)]
        if schema.validate(root):
            return []
        writer = self._writers[(kind, version)]
        out = []
        for entry in list(schema.error_log)[:MAX_REASONS]:
            plain = writer.reasons(root, entry.message, entry.path, entry.line)
            code = plain[0].code if plain else codes.SCHEMA_VIOLATION
            element = resolve_libxml2_path(root, entry.path)
            where = element_path(element) if element is not None else readable_path(entry.path)
            out.append(Reason(code, f"libxml2 says: {entry.message.strip()}", path=where, line=entry.line))
        return out


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


def explain(
    raw: bytes, schema_path: Path, plain: Sequence[Reason] = (), limit: int = MAX_REASONS
) -> list[Reason]:
    """A second opinion from the `xmlschema` library on a document lxml already refused, in its own
    words, each with the code of the plain reason (`plain`) at or below the same element. Slow
    (pure Python); never on the hot path."""
    import xmlschema  # imported here so the hot path never pays for it

    schema = _xmlschema_cache(schema_path)
    resource = xmlschema.XMLResource(raw, defuse="always", allow="none")
    out: list[Reason] = []
    for error in schema.iter_errors(resource):
        where = readable_path(error.path)
        line = getattr(error, "sourceline", None)
        reason = str(error.reason or error.message).strip().rstrip(".")
        obj = error.obj
        value = obj if isinstance(obj, str) else getattr(getattr(error, "elem", None), "text", None)
        if isinstance(value, str) and value.strip():
            reason += f" (the value filed is {value.strip()[:80]!r})"
        code = next(
            (
                r.code
                for r in plain
                if r.path and where and (r.path == where or r.path.startswith(where + "/"))
            ),
            None,
        ) or code_for([step.split("[", 1)[0] for step in (where or "").split("/")], missing=False)
        out.append(Reason(code, f"xmlschema says, at {where}: {reason}.", path=where, line=line))
        if len(out) >= limit:
            break
    return out


_XMLSCHEMA: dict[Path, object] = {}


def _xmlschema_cache(path: Path):  # -> xmlschema.XMLSchema
    import xmlschema

    if path not in _XMLSCHEMA:
        _XMLSCHEMA[path] = xmlschema.XMLSchema(str(path))
    return _XMLSCHEMA[path]
