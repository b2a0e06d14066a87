"""Named API keys with roles, kept in a keys file: add, list, revoke, and check a secret against them.

Roles are ordered, ``reader`` < ``curator`` < ``admin``: a key may do what its role and every lower one may.
The HTTP side (FastAPI dependencies) is :mod:`app.auth`; this module imports no web framework, so the CLI
(``eagraph keys``) starts without one.

**The file** (``EAGRAPH_KEYS_FILE``, default ``.eagraph/keys.json`` under the working directory) is JSON:
``{"version": 1, "keys": [...]}``, each key ``name`` (a slug), ``role``, ``id``, the scrypt parameters,
``salt`` and ``hash`` (hex), ``created`` and ``revoked`` (UTC, ``revoked`` null while the key is valid).
Revoking keeps the record, so a name is never reused and what a key did stays attributable. Every write
replaces the file whole (a temporary file beside it, ``os.replace``), with mode 0600, under an ``flock``
so two ``eagraph keys`` commands at once cannot lose each other's change.

**A secret** is ``eag_`` + 32 url-safe random characters (``secrets.token_urlsafe(24)``: 192 bits), printed
once by ``eagraph keys add`` and never stored. Its first 8 characters after ``eag_`` are the key's ``id``,
kept in clear (a selector, as in split tokens): it finds the one record to check, so a request costs one
scrypt at most, and a secret whose id matches no valid key costs none — a stream of wrong keys cannot make
the server hash. The other 24 characters (144 bits) are never written anywhere; the record holds
``scrypt(secret, salt)`` with a random 16-byte salt per key, compared with ``hmac.compare_digest``.
A verified secret is remembered for the life of the process by its SHA-256 (:class:`Keyring`), so a client
using its key again costs a dictionary lookup, and revoking it takes effect on the next request: the file is
re-read whenever it changes (its size, mtime or inode).

``EAGRAPH_API_KEY``, the single key of earlier versions, still works: an ``admin`` key named ``admin``.

Examples
--------
>>> import pathlib, tempfile
>>> folder = tempfile.TemporaryDirectory()
>>> keys = KeysFile(pathlib.Path(folder.name) / "keys.json")
>>> record, secret = keys.add("kari-nordmann", "curator")
>>> len(secret), secret.startswith("eag_" + record.id), secret in keys.path.read_text()
(36, True, False)
>>> ring = Keyring(keys.path)
>>> ring.caller(secret)
Caller(name='kari-nordmann', role='curator')
>>> ring.configured(Role.CURATOR), ring.configured(Role.ADMIN)
(True, False)
>>> _ = keys.revoke("kari-nordmann")
>>> ring.caller(secret) is None
True
>>> keys.add("kari-nordmann", "reader")
Traceback (most recent call last):
...
app.keys.KeysError: a key named 'kari-nordmann' exists already (revoked keys keep their names)
>>> folder.cleanup()
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

__all__ = [
    "ENV_KEY_NAME",
    "Caller",
    "KeyRecord",
    "Keyring",
    "KeysError",
    "KeysFile",
    "KeysUnreadable",
    "Role",
]

ENV_KEY_NAME = "admin"  # the name EAGRAPH_API_KEY goes by; no key in the file may take it
NAME_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
_SECRET = re.compile(r"eag_[A-Za-z0-9_-]{32}")
_ID_LENGTH = 8
# scrypt's cost: 16 MiB and some 50 ms per hash. The secrets are random, not passwords, so this guards a
# stolen keys file more than it needs to; a key's parameters are stored with it and may be raised later.
_N, _R, _P = 2**14, 8, 1


class Role(StrEnum):
    """What a key may do: ``reader`` reads, ``curator`` also decides, ``admin`` also runs the service.

    >>> Role.ADMIN.covers(Role.CURATOR), Role.READER.covers(Role.CURATOR)
    (True, False)
    """

    READER = "reader"
    CURATOR = "curator"
    ADMIN = "admin"

    def covers(self, needed: Role) -> bool:
        """Whether this role may do what ``needed`` may (it is the same or higher)."""
        order = list(Role)
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the key's name (the author of what they do) and its role."""

    name: str
    role: Role

    def __repr__(self) -> str:
        return f"Caller(name={self.name!r}, role={self.role.value!r})"


class KeysError(ValueError):
    """A key command that cannot be done: a taken name, an unknown role or key. The CLI prints one line."""


class KeysUnreadable(KeysError):
    """The keys file exists but cannot be read or is not a keys file."""


class KeyRecord(BaseModel):
    """One key as the file holds it: never its secret."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    role: Role
    id: str = Field(pattern=rf"^[A-Za-z0-9_-]{{{_ID_LENGTH}}}$")
    kdf: Literal["scrypt"] = "scrypt"
    n: int = Field(ge=2, le=2**20)
    r: int = Field(ge=1, le=32)
    p: int = Field(ge=1, le=16)
    salt: str = Field(pattern=r"^[0-9a-f]{32,}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    created: datetime
    revoked: datetime | None = None

    @property
    def valid(self) -> bool:
        return self.revoked is None

    def matches(self, secret: str) -> bool:
        """Whether ``secret`` is this key's, in constant time over the derived hash."""
        derived = _derive(secret, bytes.fromhex(self.salt), self.n, self.r, self.p)
        return hmac.compare_digest(derived, bytes.fromhex(self.hash))

    def public(self) -> dict[str, str | None]:
        """What ``eagraph keys list`` shows: name, role, id, created, revoked."""
        return {
            "name": self.name,
            "role": self.role.value,
            "id": self.id,
            "created": _show(self.created),
            "revoked": _show(self.revoked) if self.revoked else None,
        }


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    keys: list[KeyRecord] = []


def _derive(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**26)


def _show(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class KeysFile:
    """The keys file at ``path``: read, add, revoke. A missing file holds no keys."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def records(self) -> list[KeyRecord]:
        """Every key, revoked ones too, in the order they were added."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise KeysUnreadable(f"{self.path}: cannot read the keys file: {_reason(exc)}") from None
        try:
            return _Document.model_validate(json.loads(text)).keys
        except (ValueError, ValidationError) as exc:
            raise KeysUnreadable(f"{self.path}: not a keys file: {_reason(exc)}") from None

    def add(self, name: str, role: str) -> tuple[KeyRecord, str]:
        """A new key: its record, and its secret — the one time it is known."""
        if not re.fullmatch(NAME_PATTERN, name):
            raise KeysError(
                f"{name!r} is not a key name: lowercase letters, digits and hyphens, at most 63 (kari-nordmann)"
            )
        if name == ENV_KEY_NAME:
            raise KeysError(f"the name {ENV_KEY_NAME!r} is taken by EAGRAPH_API_KEY; choose another")
        if role not in set(Role):
            raise KeysError(f"unknown role {role!r}: one of {', '.join(Role)}")
        with self._locked() as records:
            if any(r.name == name for r in records):
                raise KeysError(f"a key named {name!r} exists already (revoked keys keep their names)")
            taken = {r.id for r in records}
            secret = "eag_" + secrets.token_urlsafe(24)
            while secret[4 : 4 + _ID_LENGTH] in taken:
                secret = "eag_" + secrets.token_urlsafe(24)
            salt = secrets.token_bytes(16)
            record = KeyRecord(
                name=name,
                role=Role(role),
                id=secret[4 : 4 + _ID_LENGTH],
                salt=salt.hex(),
                n=_N,
                r=_R,
                p=_P,
                hash=_derive(secret, salt, _N, _R, _P).hex(),
                created=_now(),
            )
            self._write([*records, record])
        return record, secret

    def revoke(self, name: str) -> KeyRecord:
        """Revoke the key named ``name`` (its record stays); a key revoked before is returned as it is."""
        with self._locked() as records:
            found = next((r for r in records if r.name == name), None)
            if found is None:
                known = ", ".join(r.name for r in records) or "none"
                raise KeysError(f"no key named {name!r} (keys: {known})")
            if not found.valid:
                return found
            revoked = found.model_copy(update={"revoked": _now()})
            self._write([revoked if r is found else r for r in records])
        return revoked

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[KeyRecord]]:
        """The records, read under an exclusive lock held until the change is written."""
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path.with_name(f".{self.path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise KeysError(f"{self.path}: cannot write the keys file: {_reason(exc)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield self.records()
        finally:
            os.close(fd)  # closing releases the lock

    def _write(self, records: list[KeyRecord]) -> None:
        text = _Document(keys=records).model_dump_json(indent=2) + "\n"
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError as exc:
            raise KeysError(f"{self.path}: cannot write the keys file: {_reason(exc)}") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:  # mkstemp made it 0600
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise KeysError(f"{self.path}: cannot write the keys file: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    if isinstance(exc, ValidationError):
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return str(exc).splitlines()[0]


class Keyring:
    """What a server checks keys against: the keys file, re-read when it changes, and ``EAGRAPH_API_KEY``.

    Safe to share between threads; the file is read on the first request, never when this is built.
    """

    _REMEMBERED = 1024  # verified secrets kept; past that the memory starts again

    def __init__(self, path: Path, env_key: SecretStr | None = None) -> None:
        self.file = KeysFile(path)
        self.env_key = env_key
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._valid: dict[str, KeyRecord] = {}  # by id
        self._verified: dict[bytes, tuple[str, str]] = {}  # SHA-256 of a secret -> (id, hash) it matched

    def valid(self) -> dict[str, KeyRecord]:
        """The keys that are not revoked, by id, as the file holds them now."""
        try:
            st = os.stat(self.file.path)
            stamp: tuple[int, int, int] | None = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            stamp = None
        except OSError as exc:
            raise KeysUnreadable(f"{self.file.path}: cannot read the keys file: {_reason(exc)}") from None
        with self._lock:
            if stamp != self._stamp or stamp is None:
                records = self.file.records() if stamp is not None else []
                self._valid = {r.id: r for r in records if r.valid}
                self._stamp = stamp
            return self._valid

    def configured(self, role: Role) -> bool:
        """Whether any valid key may do what ``role`` may (if none can, the endpoints are off)."""
        return self.env_key is not None or any(r.role.covers(role) for r in self.valid().values())

    def caller(self, secret: str) -> Caller | None:
        """Whose key ``secret`` is, or None: unknown, revoked, or not a key at all."""
        if _SECRET.fullmatch(secret):
            record = self.valid().get(secret[4 : 4 + _ID_LENGTH])
            if record is not None and self._matches(record, secret):
                return Caller(record.name, record.role)
        if self.env_key is not None and hmac.compare_digest(
            secret.encode(), self.env_key.get_secret_value().encode()
        ):
            return Caller(ENV_KEY_NAME, Role.ADMIN)
        return None

    def _matches(self, record: KeyRecord, secret: str) -> bool:
        digest = hashlib.sha256(secret.encode()).digest()
        if self._verified.get(digest) == (record.id, record.hash):
            return True
        if not record.matches(secret):
            return False
        with self._lock:
            if len(self._verified) >= self._REMEMBERED:
                self._verified.clear()
            self._verified[digest] = (record.id, record.hash)
        return True
