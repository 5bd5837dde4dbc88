"""What the project's XSDs say about each element, read once at start: the children a type
requires (in order), its attributes, and the value rule (facets) of each simple value.

libxml2 still does the validating. This model is only read when a message has failed, to report a
missing element at its own path (libxml2 reports it at the next sibling) and to say what a value
must look like. The XSDs use a small subset of XML Schema (sequences, named groups, simple content
with attributes, restrictions by facets); anything else stops the start with the file named, so a
schema change cannot be silently misread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
_XS = f"{{{XS}}}"
_FACETS = ("pattern", "enumeration", "minLength", "maxLength", "minInclusive")
# What each schema construct may contain; anything else is a construct this model does not read.
_UNDERSTOOD = frozenset(
    {
        "schema", "import", "annotation", "documentation", "element", "complexType", "simpleType",
        "sequence", "group", "attributeGroup", "attribute", "simpleContent", "extension", "restriction",
        *_FACETS,
    }
)  # fmt: skip


class SchemaModelError(Exception):
    """The XSD uses a construct the model cannot read (names the file and the construct)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path


@dataclass(frozen=True, slots=True)
class ValueRule:
    """A simple value's rule: the named types it derives from (most derived first, ending with the
    XML Schema built-in, e.g. ('LocationIDContentType', 'token')) and its effective facets."""

    lineage: tuple[str, ...]
    patterns: tuple[str, ...] = ()
    enumeration: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    min_inclusive: str | None = None

    @property
    def builtin(self) -> str:
        return self.lineage[-1]


@dataclass(frozen=True, slots=True)
class AttributeDecl:
    name: str
    rule: ValueRule
    required: bool


@dataclass(slots=True)
class TypeDecl:
    """A complex type: a sequence of child elements, or a simple value with attributes."""

    name: str
    children: tuple[ElementDecl, ...] = ()
    value: ValueRule | None = None
    attributes: dict[str, AttributeDecl] = field(default_factory=dict)

    def child(self, name: str) -> ElementDecl | None:
        for c in self.children:
            if c.name == name:
                return c
        return None

    @property
    def required_children(self) -> tuple[ElementDecl, ...]:
        return tuple(c for c in self.children if c.min_occurs > 0)


@dataclass(frozen=True, slots=True)
class ElementDecl:
    name: str
    namespace: str
    type: TypeDecl
    min_occurs: int = 1
    max_occurs: int | None = 1  # None: unbounded

    @property
    def required(self) -> bool:
        return self.min_occurs > 0


class _SchemaDocument:
    """One XSD file's named components, and how its prefixes resolve."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        self.target = self.root.get("targetNamespace", "")
        for el in self.root.iter(etree.Element):
            local = etree.QName(el).localname
            if etree.QName(el).namespace != XS or local not in _UNDERSTOOD:
                problem = f"<{local}> is not read by the reason writer (line {el.sourceline})"
                raise SchemaModelError(path, problem)
        self.named: dict[tuple[str, str], etree._Element] = {}
        for el in self.root:
            if isinstance(el.tag, str) and el.get("name"):
                self.named[(etree.QName(el).localname, el.get("name"))] = el

    def qname(self, el: etree._Element, attribute: str) -> tuple[str, str]:
        """(namespace, local name) of a QName-valued attribute such as type="ram:IDType"."""
        prefix, _, local = el.get(attribute, "").rpartition(":")
        return el.nsmap.get(prefix or None, ""), local


class SchemaModel:
    """The element declarations of the message schemas, each type read once and shared."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._documents: dict[str, _SchemaDocument] = {}  # by target namespace
        self._types: dict[tuple[str, str], TypeDecl] = {}
        self._rules: dict[tuple[str, str], ValueRule] = {}

    def root(self, filename: str) -> ElementDecl:
        """The root element declaration of one message schema (e.g. 'xfwb-3.00.xsd')."""
        doc = _SchemaDocument(self.directory / filename)
        for el in doc.root:
            if isinstance(el.tag, str) and el.tag == f"{_XS}import":
                location = el.get("schemaLocation")
                if location and el.get("namespace") not in self._documents:
                    self._documents[el.get("namespace", "")] = _SchemaDocument(self.directory / location)
        # A message schema's own types are per file (xffm-2.00 and xffm-3.00 share a namespace).
        self._documents[doc.target] = doc
        for key in [k for k in self._types if k[0] == doc.target]:
            del self._types[key]
        roots = [el for el in doc.root if isinstance(el.tag, str) and el.tag == f"{_XS}element"]
        if len(roots) != 1:
            raise SchemaModelError(doc.path, "a message schema must declare exactly one root element")
        return self._element(doc, roots[0])

    # --- components -------------------------------------------------------------------------

    def _element(self, doc: _SchemaDocument, el: etree._Element) -> ElementDecl:
        max_occurs = el.get("maxOccurs", "1")
        return ElementDecl(
            name=el.get("name", ""),
            namespace=doc.target,
            type=self._type(*doc.qname(el, "type"), at=doc),
            min_occurs=int(el.get("minOccurs", "1")),
            max_occurs=None if max_occurs == "unbounded" else int(max_occurs),
        )

    def _document(self, namespace: str, at: _SchemaDocument) -> _SchemaDocument:
        doc = self._documents.get(namespace)
        if doc is None:
            raise SchemaModelError(at.path, f"no schema for namespace {namespace!r}")
        return doc

    def _type(self, namespace: str, name: str, *, at: _SchemaDocument) -> TypeDecl:
        key = (namespace, name)
        if key in self._types:
            return self._types[key]
        if namespace == XS:
            decl = TypeDecl(name, value=ValueRule((name,)))
            self._types[key] = decl
            return decl
        doc = self._document(namespace, at)
        el = doc.named.get(("complexType", name))
        if el is None:
            decl = TypeDecl(name, value=self._rule(namespace, name, at=doc))
            self._types[key] = decl
            return decl
        decl = TypeDecl(name)
        self._types[key] = decl  # before the children: a recursive type would find itself
        for part in el:
            if not isinstance(part.tag, str):
                continue
            local = etree.QName(part).localname
            if local == "sequence":
                decl.children = tuple(self._sequence(doc, part))
            elif local == "simpleContent":
                (extension,) = part.iterchildren(f"{_XS}extension")
                decl.value = self._rule(*doc.qname(extension, "base"), at=doc)
                decl.attributes = self._attributes(doc, extension)
            elif local != "annotation":
                raise SchemaModelError(doc.path, f"complexType {name}: <{local}> is not read")
        return decl

    def _sequence(self, doc: _SchemaDocument, sequence: etree._Element) -> list[ElementDecl]:
        out: list[ElementDecl] = []
        for part in sequence.iterchildren(etree.Element):
            local = etree.QName(part).localname
            if local == "element":
                out.append(self._element(doc, part))
            elif local == "group":
                namespace, name = doc.qname(part, "ref")
                group_doc = self._document(namespace, doc)
                group = group_doc.named[("group", name)]
                (inner,) = group.iterchildren(f"{_XS}sequence")
                out.extend(self._sequence(group_doc, inner))
        return out

    def _attributes(self, doc: _SchemaDocument, extension: etree._Element) -> dict[str, AttributeDecl]:
        out: dict[str, AttributeDecl] = {}
        for part in extension.iterchildren(etree.Element):
            local = etree.QName(part).localname
            if local == "attribute":
                name = part.get("name", "")
                rule = self._rule(*doc.qname(part, "type"), at=doc)
                out[name] = AttributeDecl(name, rule, part.get("use") == "required")
            elif local == "attributeGroup":
                namespace, name = doc.qname(part, "ref")
                group_doc = self._document(namespace, doc)
                out.update(self._attributes(group_doc, group_doc.named[("attributeGroup", name)]))
        return out

    def _rule(self, namespace: str, name: str, *, at: _SchemaDocument) -> ValueRule:
        key = (namespace, name)
        if key in self._rules:
            return self._rules[key]
        if namespace == XS:
            rule = ValueRule((name,))
        else:
            doc = self._document(namespace, at)
            el = doc.named.get(("simpleType", name))
            if el is None:
                raise SchemaModelError(doc.path, f"type {name} is not declared")
            (restriction,) = el.iterchildren(f"{_XS}restriction")
            base = self._rule(*doc.qname(restriction, "base"), at=doc)
            facets: dict[str, list[str]] = {}
            for facet in restriction.iterchildren(etree.Element):
                facets.setdefault(etree.QName(facet).localname, []).append(facet.get("value", ""))
            rule = ValueRule(
                lineage=(name, *base.lineage),
                patterns=tuple(facets.get("pattern", ())) or base.patterns,
                enumeration=tuple(facets.get("enumeration", ())) or base.enumeration,
                min_length=int(facets["minLength"][0]) if "minLength" in facets else base.min_length,
                max_length=int(facets["maxLength"][0]) if "maxLength" in facets else base.max_length,
                min_inclusive=facets["minInclusive"][0] if "minInclusive" in facets else base.min_inclusive,
            )
        self._rules[key] = rule
        return rule


def declaration_of(root_decl: ElementDecl, element: etree._Element) -> ElementDecl | None:
    """The declaration of an element of a parsed message, found by its local names from the root;
    None where the message leaves the schema (an unknown element or one of its descendants)."""
    chain = [element, *element.iterancestors()]
    chain.reverse()
    if etree.QName(chain[0]).localname != root_decl.name:
        return None
    decl = root_decl
    for el in chain[1:]:
        found = decl.type.child(etree.QName(el).localname)
        if found is None:
            return None
        decl = found
    return decl
