"""Hostile input: every attack in fixtures/hostile/ is refused with its own reason, and nothing is fetched.

What these tests prove, for the hardened reader (SafeXmlReader) and the whole check (Checker):

* every committed hostile fixture, and the 50 MB body generated here, gives valid=False, no filing and
  exactly one reason with the expected specific XML_* code (the table in fixtures/hostile/README.md
  is checked against the same expectations, so the two cannot drift apart);
* no file is read: a secret marker in a temp file, referenced by an external entity, an external DTD,
  a parameter entity and an XInclude, appears nowhere in the result or its JSON, although a naive
  lxml parser leaks it from the very same documents (the positive control);
* no network is touched: a TCP server on 127.0.0.1 referenced as external DTD, external entity,
  parameter entity, XInclude href and stylesheet href receives zero connections;
* the refusals do not depend on how the document is encoded: the attacks are also sent in UTF-16
  and in UTF-7 (which spells '<' as '+ADw-', so no byte scan finds a tag, a PI or 'XInclude');
* libxml2 never asks for an external resource: a recording lxml Resolver on the reader's parser (and on
  every parser the safe_xml module builds) is never called;
* nothing hangs: each check runs in a worker thread with a generous 10 s guard (a hang guard, not a
  speed assertion; speed is measured by benchmarks/bench_hostile.py);
* the command line refuses the 50 MB file and the whole hostile directory with exit status 1, one JSON
  line per file carrying its code.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from acid_processor import codes
from acid_processor.check import Checker, CheckResult
from acid_processor.cli import check_json
from acid_processor.formats import safe_xml
from acid_processor.formats.safe_xml import Limits, SafeXmlReader
from acid_processor.model import Severity

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "fixtures" / "hostile"
SAMPLE = ROOT / "fixtures" / "samples" / "xfwb3-example.xml"
HANG_GUARD_SECONDS = 10.0
FIFTY_MB = 50 * 1024 * 1024

EXPECTED: dict[str, str] = {
    "billion-laughs.xml": codes.XML_DTD_FORBIDDEN,
    "quadratic-blowup.xml": codes.XML_DTD_FORBIDDEN,
    "xxe-local-file.xml": codes.XML_DTD_FORBIDDEN,
    "xxe-parameter-entity.xml": codes.XML_DTD_FORBIDDEN,
    "external-dtd.xml": codes.XML_DTD_FORBIDDEN,
    "utf16-doctype.xml": codes.XML_DTD_FORBIDDEN,
    "deep-nesting-10000.xml": codes.XML_TOO_DEEP,
    "many-elements.xml": codes.XML_TOO_MANY_ELEMENTS,
    "invalid-utf8.xml": codes.XML_ENCODING,
    "empty.xml": codes.XML_EMPTY,
    "whitespace-only.xml": codes.XML_EMPTY,
    "plain-text.xml": codes.XML_MALFORMED,
    "json-body.xml": codes.XML_MALFORMED,
    "truncated.xml": codes.XML_MALFORMED,
    "processing-instruction.xml": codes.XML_PROCESSING_INSTRUCTION,
    "stylesheet-no-declaration.xml": codes.XML_PROCESSING_INSTRUCTION,
    "xinclude.xml": codes.XML_XINCLUDE_FORBIDDEN,
    "utf7-xinclude.xml": codes.XML_XINCLUDE_FORBIDDEN,
    "utf7-processing-instruction.xml": codes.XML_PROCESSING_INSTRUCTION,
    "undefined-entity.xml": codes.XML_ENTITY_FORBIDDEN,
}
FIXTURES = sorted(EXPECTED)

SHIPPER_NAME = "<Name>SCHENKER DO BRASIL TRANSPORTES INTERNACIONAIS LTDA.</Name>"


# --- helpers ------------------------------------------------------------------------------------


def guarded(fn: Callable[..., Any], *args: Any) -> Any:
    """fn(*args) in a worker thread; fails the test if it has not finished within the hang guard."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="hang-guard")
    worker.start()
    worker.join(HANG_GUARD_SECONDS)
    if worker.is_alive():
        pytest.fail(f"{getattr(fn, '__name__', fn)} did not finish within {HANG_GUARD_SECONDS} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def fixture_bytes(name: str) -> bytes:
    return (HOSTILE / name).read_bytes()


def xfwb(doctype: str = "", name: str | None = None, prolog: str = "") -> bytes:
    """The XFWB sample with a DOCTYPE and/or processing instructions after the XML declaration and
    the shipper's <Name> content replaced by `name` (raw XML)."""
    text = SAMPLE.read_bytes().decode("utf-8")
    decl_end = text.index("?>") + 2
    body = text[decl_end:]
    if name is not None:
        assert SHIPPER_NAME in body
        body = body.replace(SHIPPER_NAME, f"<Name>{name}</Name>", 1)
    return (text[:decl_end] + "\n" + prolog + doctype + body).encode("utf-8")


def as_utf16(raw: bytes) -> bytes:
    """The same document in UTF-16 (with a BOM), its declaration saying so."""
    text = raw.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    return text.encode("utf-16")


def as_utf7(raw: bytes) -> bytes:
    """The same (ASCII) document in UTF-7, with every '<', '?' and 'XInclude' after the declaration
    spelt in UTF-7's base64 form, so that no byte scan can find a tag, a PI or the XInclude name."""
    text = raw.decode("ascii")
    decl_end = text.index("?>") + 2 if text.startswith("<?xml ") else 0
    decl = '<?xml version="1.0" encoding="UTF-7"?>'  # in place of any declaration there was
    body = text[decl_end:].replace("+", "+-").encode("ascii")
    for plain, base64 in ((b"<", b"+ADw-"), (b"?", b"+AD8-"), (b"XInclude", b"+AFgASQBuAGMAbAB1AGQAZQ-")):
        body = body.replace(plain, base64)
    return decl.encode("ascii") + body


def assert_refused(result: CheckResult, code: str) -> None:
    assert result.valid is False
    assert result.filing is None
    assert result.kind is None and result.version is None
    assert [r.code for r in result.reasons] == [code], result.reasons
    assert result.reasons[0].severity is Severity.REJECT
    assert result.reasons[0].detail.strip()


def result_text(result: CheckResult) -> str:
    """Everything a caller could see of a result: its repr and the CLI's JSON line."""
    return repr(result) + json.dumps(check_json(Path("message.xml"), result), ensure_ascii=False)


class RecordingResolver(etree.Resolver):
    """Records every request libxml2 makes for an external resource, and serves none."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str | None]] = []

    def resolve(self, system_url, public_id, context):
        self.calls.append((system_url, public_id))
        return None


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


# --- the fixtures themselves --------------------------------------------------------------------


def test_every_fixture_has_an_expectation_and_a_readme_row() -> None:
    on_disk = sorted(p.name for p in HOSTILE.glob("*.xml"))
    assert on_disk == FIXTURES
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([^`]+\.xml)`[^|]*\|[^|]*\| `(XML_[A-Z_]+)` \|$", readme, re.MULTILINE))
    committed = {name: code for name, code in rows.items() if name in EXPECTED}
    assert committed == EXPECTED
    assert rows.get("big.xml") == codes.XML_TOO_LARGE  # the generated 50 MB body is documented too


def test_fixtures_are_what_their_names_say() -> None:
    limits = Limits()
    assert fixture_bytes("empty.xml") == b""
    assert fixture_bytes("whitespace-only.xml").strip() == b""
    assert len(fixture_bytes("quadratic-blowup.xml")) < 200 * 1024
    assert fixture_bytes("deep-nesting-10000.xml").count(b"<a>") == 10_000
    many = fixture_bytes("many-elements.xml")
    assert len(many) < limits.max_bytes
    assert many.count(b"<a/>") > limits.max_elements
    assert fixture_bytes("utf16-doctype.xml")[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert b"<!DOCTYPE" not in fixture_bytes("utf16-doctype.xml")  # a byte scan would not see it
    with pytest.raises(UnicodeDecodeError):
        fixture_bytes("invalid-utf8.xml").decode("utf-8")
    assert fixture_bytes("stylesheet-no-declaration.xml").startswith(b"<?xml-stylesheet ")
    assert fixture_bytes("stylesheet-no-declaration.xml").count(b"<?") == 1
    for name in ("utf7-xinclude.xml", "utf7-processing-instruction.xml"):
        body = fixture_bytes(name).split(b"?>", 1)[1]
        assert b"XInclude" not in body and b"<" not in body and b"?" not in body, name


# --- every fixture refused with its own code ----------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_reader_refuses_fixture(name: str) -> None:
    root, reason = guarded(SafeXmlReader().parse, fixture_bytes(name))
    assert root is None
    assert reason is not None and reason.code == EXPECTED[name]
    assert reason.detail.strip()


@pytest.mark.parametrize("name", FIXTURES)
def test_checker_refuses_fixture(checker: Checker, name: str) -> None:
    assert_refused(guarded(checker.check, fixture_bytes(name)), EXPECTED[name])


def test_too_deep_names_the_limit_not_a_parser_option() -> None:
    _, reason = guarded(SafeXmlReader().parse, fixture_bytes("deep-nesting-10000.xml"))
    assert reason.code == codes.XML_TOO_DEEP
    assert "XML_PARSE_HUGE" not in reason.detail and "nested too deeply" in reason.detail


def test_etc_passwd_never_reaches_the_result(checker: Checker) -> None:
    passwd = Path("/etc/passwd")
    if not passwd.is_file() or b"root:" not in passwd.read_bytes():
        pytest.skip("no /etc/passwd with a root entry on this machine")
    for name in FIXTURES:
        assert "root:" not in result_text(guarded(checker.check, fixture_bytes(name))), name


def test_doctype_is_named_even_when_the_parse_fails(checker: Checker) -> None:
    """A DOCTYPE before a broken body, an entity bomb or a bad byte is still a DTD refusal, in any
    encoding: the parser reads the prolog, no byte scan does."""
    bomb = fixture_bytes("billion-laughs.xml")
    broken_after_dtd = xfwb('<!DOCTYPE ns2:Waybill [<!ENTITY a "b">]>\n')[:5000]
    bad_byte_after_dtd = xfwb("<!DOCTYPE ns2:Waybill>\n", name="SCH@NKER")
    bad_byte_after_dtd = bad_byte_after_dtd.replace(b"SCH@NKER", b"SCH\xc3\x28NKER")
    for raw in (bomb, as_utf16(bomb), broken_after_dtd, bad_byte_after_dtd, as_utf16(broken_after_dtd)):
        assert_refused(guarded(checker.check, raw), codes.XML_DTD_FORBIDDEN)
    # and a document with no DOCTYPE that fails is not called a DTD
    assert_refused(guarded(checker.check, xfwb()[:5000]), codes.XML_MALFORMED)


def test_utf7_cannot_hide_elements_from_the_element_bound(checker: Checker) -> None:
    """120,001 elements in UTF-7 without a single '<' byte (generated: about 900 KB)."""
    raw = as_utf7(fixture_bytes("many-elements.xml"))
    assert b"<" not in raw.split(b"?>", 1)[1] and len(raw) < Limits().max_bytes
    assert_refused(guarded(checker.check, raw), codes.XML_TOO_MANY_ELEMENTS)


def test_undefined_entity_in_utf16_is_an_entity_refusal(checker: Checker) -> None:
    raw = as_utf16(fixture_bytes("undefined-entity.xml"))
    assert_refused(guarded(checker.check, raw), codes.XML_ENTITY_FORBIDDEN)


# --- never reads a file -------------------------------------------------------------------------


@pytest.fixture
def secret(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A unique marker, a text file holding it and a DTD declaring an entity with it."""
    marker = f"ACID-SECRET-{uuid.uuid4().hex}"
    text = tmp_path / "secret.txt"
    text.write_text(marker + "\n", encoding="utf-8")
    dtd = tmp_path / "secret.dtd"
    dtd.write_text(f'<!ENTITY leak "{marker}">\n', encoding="utf-8")
    yield marker, text, dtd


def _file_attacks(text: Path, dtd: Path) -> dict[str, tuple[bytes, str, Callable[[bytes], str]]]:
    """name -> (document, expected code, how a naive parser would read it)."""

    def naive_entities(raw: bytes) -> str:
        parser = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
        return etree.tostring(etree.fromstring(raw, parser), encoding="unicode")

    def naive_xinclude(raw: bytes) -> str:
        tree = etree.ElementTree(etree.fromstring(raw))
        tree.xinclude()
        return etree.tostring(tree, encoding="unicode")

    xi = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{text.as_uri()}" parse="text"/>'
    return {
        "external entity": (
            xfwb(f'<!DOCTYPE ns2:Waybill [<!ENTITY xxe SYSTEM "{text.as_uri()}">]>\n', name="&xxe;"),
            codes.XML_DTD_FORBIDDEN,
            naive_entities,
        ),
        "external DTD": (
            xfwb(f'<!DOCTYPE ns2:Waybill SYSTEM "{dtd.as_uri()}">\n', name="&leak;"),
            codes.XML_DTD_FORBIDDEN,
            naive_entities,
        ),
        "parameter entity": (
            xfwb(f'<!DOCTYPE ns2:Waybill [<!ENTITY % p SYSTEM "{dtd.as_uri()}"> %p;]>\n', name="&leak;"),
            codes.XML_DTD_FORBIDDEN,
            naive_entities,
        ),
        "XInclude": (xfwb(name=xi), codes.XML_XINCLUDE_FORBIDDEN, naive_xinclude),
    }


@pytest.mark.parametrize("attack", ["external entity", "external DTD", "parameter entity", "XInclude"])
def test_secret_file_is_never_read(
    checker: Checker, secret: tuple[str, Path, Path], attack: str
) -> None:
    marker, text, dtd = secret
    raw, code, naive = _file_attacks(text, dtd)[attack]
    # Positive control: the document does carry the attack; a naive parser leaks the secret.
    assert marker in naive(raw)
    for body in (raw, as_utf16(raw), as_utf7(raw)):
        result = guarded(checker.check, body)
        assert_refused(result, code)
        assert marker not in result_text(result)


# --- never touches the network ------------------------------------------------------------------


class Listener:
    """A TCP server on 127.0.0.1 (random port) counting the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="tcp-listener")
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def settle(self) -> None:
        """Long enough for a pending connection to be accepted (several accept timeouts)."""
        self._stop.wait(0.5)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _network_attacks(port: int) -> dict[str, tuple[bytes, str]]:
    url = f"http://127.0.0.1:{port}"
    xi = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/passwd" parse="text"/>'
    attacks = {
        "external DTD": (xfwb(f'<!DOCTYPE ns2:Waybill SYSTEM "{url}/evil.dtd">\n'), codes.XML_DTD_FORBIDDEN),
        "external entity": (
            xfwb(f'<!DOCTYPE ns2:Waybill [<!ENTITY x SYSTEM "{url}/x">]>\n', name="&x;"),
            codes.XML_DTD_FORBIDDEN,
        ),
        "parameter entity": (
            xfwb(f'<!DOCTYPE ns2:Waybill [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>\n'),
            codes.XML_DTD_FORBIDDEN,
        ),
        "XInclude": (xfwb(name=xi), codes.XML_XINCLUDE_FORBIDDEN),
        "stylesheet": (
            xfwb(prolog=f'<?xml-stylesheet type="text/xsl" href="{url}/evil.xsl"?>\n'),
            codes.XML_PROCESSING_INSTRUCTION,
        ),
    }
    # The committed fixtures that name a URL, pointed at this server instead of the discard port.
    for name in (
        "external-dtd.xml", "xxe-parameter-entity.xml", "processing-instruction.xml",
        "stylesheet-no-declaration.xml",
    ):
        raw = fixture_bytes(name)
        assert b"127.0.0.1:9/" in raw
        attacks[name] = (raw.replace(b"127.0.0.1:9/", f"127.0.0.1:{port}/".encode()), EXPECTED[name])
    return attacks


def test_network_is_never_touched(checker: Checker, listener: Listener) -> None:
    attacks = _network_attacks(listener.port)
    for label, (raw, code) in attacks.items():
        for body in (raw, as_utf16(raw), as_utf7(raw)):
            result = guarded(checker.check, body)
            assert_refused(result, code)
            assert f":{listener.port}" not in json.dumps([r.detail for r in result.reasons]), label
    listener.settle()
    assert listener.connections == 0
    # Control: the listener does count a connection when one is made.
    socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
    for _ in range(50):
        if listener.connections:
            break
        listener.settle()
    assert listener.connections == 1


# --- libxml2 never asks for an external resource ------------------------------------------------


def _all_documents(tmp_path: Path) -> dict[str, bytes]:
    text = tmp_path / "secret.txt"
    text.write_text("secret\n", encoding="utf-8")
    dtd = tmp_path / "secret.dtd"
    dtd.write_text('<!ENTITY leak "secret">\n', encoding="utf-8")
    docs = {name: fixture_bytes(name) for name in FIXTURES}
    docs.update({f"file {k}": v[0] for k, v in _file_attacks(text, dtd).items()})
    docs.update({f"net {k}": v[0] for k, v in _network_attacks(9).items()})
    for label, raw in list(docs.items()):
        if raw.startswith(b"<?xml") and raw.isascii():
            docs[f"utf16 {label}"] = as_utf16(raw)
            docs[f"utf7 {label}"] = as_utf7(raw)
    return docs


def test_resolver_on_the_readers_parser_is_never_called(checker: Checker, tmp_path: Path) -> None:
    for label, raw in _all_documents(tmp_path).items():

        def check_with_resolver(raw: bytes = raw) -> tuple[CheckResult, list]:
            # The reader keeps one parser per thread: attach the resolver in the checking thread.
            resolver = RecordingResolver()
            checker.reader._parser().resolvers.add(resolver)
            return checker.check(raw), resolver.calls

        result, calls = guarded(check_with_resolver)
        assert result.valid is False, label
        assert calls == [], f"{label}: libxml2 asked for {calls}"


def test_no_parser_built_by_safe_xml_ever_resolves(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Also the parser that reads a failed message's prolog to look for a DOCTYPE."""
    resolver = RecordingResolver()
    built: list[etree.XMLParser] = []
    real = etree.XMLParser

    def recording_parser(*args: Any, **kwargs: Any) -> etree.XMLParser:
        parser = real(*args, **kwargs)
        parser.resolvers.add(resolver)
        built.append(parser)
        return parser

    monkeypatch.setattr(safe_xml.etree, "XMLParser", recording_parser)
    reader = SafeXmlReader()
    docs = _all_documents(tmp_path)
    for label, raw in docs.items():
        root, reason = guarded(reader.parse, raw)
        assert root is None and reason is not None, label
    assert len(built) >= 2  # the per-thread parsers and at least one prolog probe
    assert resolver.calls == []
    # Control: the same resolver is asked when a parser is allowed to load the DTD.
    naive = real(load_dtd=True)
    naive.resolvers.add(resolver)
    etree.fromstring(docs["file external DTD"], naive)
    assert resolver.calls and resolver.calls[0][0].endswith("secret.dtd")


# --- the 50 MB body -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid-looking XFWB whose shipper name makes it 50 MB (never committed)."""
    head, tail = xfwb().split(SHIPPER_NAME.encode(), 1)
    filler = FIFTY_MB - len(head) - len(tail) - len(b"<Name></Name>")
    path = tmp_path_factory.mktemp("big") / "big.xml"
    with path.open("wb") as fh:
        fh.write(head + b"<Name>")
        fh.write(b"A" * filler)
        fh.write(b"</Name>" + tail)
    assert path.stat().st_size == FIFTY_MB
    return path


def test_fifty_megabytes_refused_as_too_large(checker: Checker, big_file: Path) -> None:
    raw = big_file.read_bytes()
    result = guarded(checker.check, raw)
    assert_refused(result, codes.XML_TOO_LARGE)
    assert f"{len(raw):,}" in result.reasons[0].detail
    root, reason = guarded(SafeXmlReader().parse, raw)
    assert root is None and reason is not None and reason.code == codes.XML_TOO_LARGE


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acid_processor", "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def test_cli_refuses_fifty_megabytes(big_file: Path) -> None:
    proc = _cli(str(big_file), "--json")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["file"] == str(big_file)
    assert line["valid"] is False
    assert line["record"] is None
    assert [r["code"] for r in line["reasons"]] == [codes.XML_TOO_LARGE]


def test_cli_on_the_hostile_directory() -> None:
    proc = _cli(str(HOSTILE), "--json")
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert sorted(Path(line["file"]).name for line in lines) == FIXTURES
    for line in lines:
        name = Path(line["file"]).name
        assert line["valid"] is False, name
        assert line["record"] is None, name
        assert [r["code"] for r in line["reasons"]] == [EXPECTED[name]], name
        assert all(r["detail"] and r["severity"] == "reject" for r in line["reasons"]), name
