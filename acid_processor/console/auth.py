"""Who may use the console: users and roles in a file of password hashes, and the session key.

The users file is plain text, one user a line, `name:role:hash`, where the hash is
`scrypt$N$r$p$salt$key` (hashlib.scrypt, a memory-hard standard KDF; salt and key in base64).
Lines starting with `#` are comments. Two roles: `viewer` sees the operations pages; `officer`
also acts on holds, replays dead letters and tries rule sets. `acid-processor users add` writes the
file; the console re-reads it when it changes, so a removed user is out at their next request.

The session-signing key is never in the repository: it comes from ACID_CONSOLE_SECRET, or from a
file (ACID_CONSOLE_SECRET_FILE, by default in the user's configuration directory) that the
console generates with mode 0600 on first start.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ROLES",
    "User",
    "UserError",
    "Users",
    "add_user",
    "hash_password",
    "load_secret",
    "verify_password",
]

ROLES = ("viewer", "officer")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8

# scrypt cost: 2**15 x 8 x 1 takes about 32 MiB and some 50 ms here; stored with each hash, so
# raising it later leaves old hashes verifiable.
_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024


class UserError(ValueError):
    """A user name, role, password or users-file line that cannot be used."""


@dataclass(frozen=True, slots=True)
class User:
    """One console user: name, role and password hash."""

    name: str
    role: str
    password_hash: str

    @property
    def officer(self) -> bool:
        return self.role == "officer"

    @property
    def stamp(self) -> str:
        """A short fingerprint of the password hash: a session made before a password change or a
        role change no longer matches it."""
        return hashlib.sha256(f"{self.role}|{self.password_hash}".encode()).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = _N, r: int = _R, p: int = _P) -> str:
    """The stored form of a password: scrypt with a fresh 16-byte salt and its parameters."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether a password matches its stored hash (constant-time comparison); False for a hash
    that is not ours rather than an error."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


# A hash to check a password against when the user does not exist, so that a wrong name takes as
# long as a wrong password and a timing cannot tell which names exist.
_DUMMY = hash_password(secrets.token_urlsafe(16))


def parse_users(text: str, source: str = "users file") -> dict[str, User]:
    """Users from the file's text; UserError naming the line for a malformed one."""
    users: dict[str, User] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":", 2)
        if (
            len(parts) != 3
            or not NAME.match(parts[0])
            or parts[1] not in ROLES
            or not parts[2].startswith("scrypt$")
        ):
            raise UserError(
                f"{source}, line {number}: expected name:role:scrypt$... with role viewer or officer"
            )
        users[parts[0]] = User(parts[0], parts[1], parts[2])
    return users


def add_user(path: Path, name: str, role: str, password: str) -> bool:
    """Add a user to the file (or replace their role and password); True when the user is new.
    The file is created with mode 0600 and replaced atomically."""
    if not NAME.match(name):
        raise UserError(
            f"user name {name!r}: letters, digits and . _ @ - (at most 64, not starting with a sign)"
        )
    if role not in ROLES:
        raise UserError(f"role {role!r}: one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    existing = parse_users(text, str(path))
    lines = [
        line
        for line in text.splitlines()
        if not (line.strip() and not line.strip().startswith("#") and line.split(":", 1)[0] == name)
    ]
    if not text:
        lines = ["# acid-processor console users: name:role:scrypt hash (acid-processor users add)"]
    lines.append(f"{name}:{role}:{hash_password(password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return name not in existing


class Users:
    """The users file, read again when its modification time or size changes (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._users: dict[str, User] = {}

    def _load(self) -> dict[str, User]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return {}
        mark = (st.st_mtime_ns, st.st_size)
        with self._lock:
            if mark != self._seen:
                self._users = parse_users(self.path.read_text(encoding="utf-8"), str(self.path))
                self._seen = mark
            return self._users

    def get(self, name: str) -> User | None:
        """The user with this name as the file says now, or None."""
        return self._load().get(name)

    def count(self) -> int:
        return len(self._load())

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password is theirs, else None (the same work either way)."""
        user = self._load().get(name)
        ok = verify_password(password, user.password_hash if user else _DUMMY)
        return user if ok and user is not None else None


def default_config_dir(env: dict[str, str] | None = None) -> Path:
    """Where the console keeps its generated files unless told: $XDG_CONFIG_HOME/acid-processor,
    or ~/.config/acid-processor (outside any checkout)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "acid-processor"


def load_secret(value: str | None, path: Path) -> bytes:
    """The session-signing key: the value given (ACID_CONSOLE_SECRET), else the file's content,
    generating 32 random bytes into it (mode 0600) when it does not exist."""
    if value:
        if len(value) < 32:
            raise UserError("ACID_CONSOLE_SECRET must have at least 32 characters")
        return value.encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise UserError(f"{path}: the session key must have at least 32 characters")
    return secret.encode()
