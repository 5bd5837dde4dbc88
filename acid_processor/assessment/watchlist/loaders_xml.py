"""Hardened, streaming reading of list files in XML (OFAC SDN, UN consolidated, EU FSF).

A list file is untrusted input like a filing, but may be 100 MB, so it is read with `iterparse`
rather than `formats.safe_xml.SafeXmlReader` (which holds a whole, small message), with the same
protections: no DTD loading, no entity expansion, no network, no huge-tree mode; a DOCTYPE is refused
outright. Each record (sdnEntry, INDIVIDUAL, sanctionEntity...) is handed over when it is complete
and then cleared, so memory stays at one record. Elements are matched on their local names: the
publishers change namespaces from year to year. A malformed file is a PolicyError naming the line
libxml2 stopped at.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from acid_processor.assessment.errors import PolicyError

__all__ = ["children", "local_name", "records", "root_name", "text", "texts"]

# The protections of formats.safe_xml's parser, for iterparse. collect_ids stays at its default (see
# safe_xml: collect_ids=False would make libxml2 load the external subset).
_OPTIONS = dict(
    resolve_entities=False,
    load_dtd=False,
    dtd_validation=False,
    no_network=True,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def local_name(el: etree._Element) -> str:
    """An element's name without its namespace."""
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def children(el: etree._Element | None, *names: str) -> list[etree._Element]:
    """The elements reached from `el` by a path of local names: children(e, 'akaList', 'aka')."""
    level = [] if el is None else [el]
    for name in names:
        tag = f"{{*}}{name}"  # any namespace, or none
        level = [child for parent in level for child in parent.iterchildren(tag)]
    return level


def text(el: etree._Element | None, *names: str) -> str:
    """The stripped text of the first element at that path, '' when there is none."""
    found = children(el, *names)
    return (found[0].text or "").strip() if found else ""


def texts(el: etree._Element | None, *names: str) -> list[str]:
    """The stripped, non-empty texts of every element at that path."""
    return [t for t in ((f.text or "").strip() for f in children(el, *names)) if t]


def root_name(path: Path) -> str:
    """The local name of the document's root element, read from the file's start only; PolicyError
    for a file that is not XML or declares a DOCTYPE. A syntax error after the root's start tag is
    left to `records`, which names its line: the file is fed in pieces and the events parsed before
    an error are still read (lxml 6 raises on a malformed record at line 10 before iterparse hands
    over the root's start event)."""
    parser = etree.XMLPullParser(events=("start",), **_OPTIONS)
    error: etree.XMLSyntaxError | None = None
    try:
        with path.open("rb") as f:
            while chunk := f.read(_HEAD_CHUNK):
                parser.feed(chunk)
                if root := _first_start(path, parser):
                    return root
            parser.close()
    except etree.XMLSyntaxError as exc:
        error = exc
    except OSError as exc:
        raise _os_error(path, exc) from None
    if root := _first_start(path, parser):
        return root
    if error is not None:
        raise _syntax_error(path, error) from None
    raise PolicyError(path, None, "not XML: no root element")  # pragma: no cover - libxml2 says so first


_HEAD_CHUNK = 4096


def _first_start(path: Path, parser: etree.XMLPullParser) -> str:
    """The local name of the first element the parser has seen ('' when none yet); PolicyError when
    the document declares a DOCTYPE."""
    for _, root in parser.read_events():
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise PolicyError(path, 1, "a DOCTYPE is not accepted in a watch-list file")
        return local_name(root)
    return ""


def records(path: Path, root: str, names: Iterable[str]) -> Iterator[etree._Element]:
    """The complete record elements named `names` of a file whose root is `root`, each cleared once
    the caller has read it; PolicyError for a malformed file or another root."""
    found = root_name(path)
    if found != root:
        raise PolicyError(path, 1, f"root element is '{found}', not '{root}'")
    tags = [f"{{*}}{name}" for name in names]
    try:
        for _, el in etree.iterparse(str(path), events=("end",), tag=tags, **_OPTIONS):
            yield el
            el.clear(keep_tail=True)
            parent = el.getparent()
            while parent is not None and el.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(path, exc) from None
    except OSError as exc:
        raise _os_error(path, exc) from None


def _syntax_error(path: Path, exc: etree.XMLSyntaxError) -> PolicyError:
    entry = exc.error_log.last_error if exc.error_log else None
    message = (entry.message if entry is not None else exc.msg or str(exc)).strip()
    line = entry.line if entry is not None and entry.line else exc.lineno
    return PolicyError(path, line or None, f"not well-formed XML: {message}")


def _os_error(path: Path, exc: OSError) -> PolicyError:
    if isinstance(exc, FileNotFoundError):
        return PolicyError(path, None, "list file not found")
    return PolicyError(path, None, f"cannot read: {exc.strerror or exc}")
