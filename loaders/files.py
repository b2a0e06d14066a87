"""Reading an input file safely: a regular file only, and never more than the limit of its kind.

Every loader reads its files here (a document, an overlay, a sheet, an imported model or graph). What is not
a regular file once symlinks are resolved — ``/dev/zero``, ``/dev/urandom``, a named pipe, a socket — is
refused before it is opened, so a pipe with no writer cannot hang the command and an endless device cannot
fill the memory. A regular file is opened without blocking, checked again on the open descriptor (it may have
been swapped since), refused when its size is over the limit, and read for at most ``limit + 1`` bytes, so a
sparse or growing file is never read whole. Each refusal is one :class:`~loaders.errors.LoadError`.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = Path(folder) / "table.txt"
>>> _ = path.write_bytes(b"System  Beskrivelse")
>>> read_limited(path, 100)
b'System  Beskrivelse'
>>> read_limited(path, 10, lambda size: f"{size} bytes, at most 10 allowed")
Traceback (most recent call last):
...
loaders.errors.LoadError: ...table.txt: 19 bytes, at most 10 allowed
>>> os.mkfifo(Path(folder) / "pipe")
>>> read_limited(Path(folder) / "pipe", 100)
Traceback (most recent call last):
...
loaders.errors.LoadError: ...pipe: is not a regular file (a named pipe)
>>> read_head(Path(folder) / "pipe"), read_head(path, 6)
(b'', b'System')
>>> import shutil; shutil.rmtree(folder)
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from graph.store import replace_file
from loaders.errors import LoadError

__all__ = ["read_head", "read_limited"]

HEAD_BYTES = 4096

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _larger(limit: int) -> Callable[[int], str]:
    """The message for a file of ``size`` bytes over ``limit``."""
    return lambda size: f"file is {size / 1e6:.1f} MB, larger than the limit of {limit / 2**20:,.0f} MB"


def _not_regular(path: Path, mode: int) -> LoadError | None:
    """The error for a path whose ``st_mode`` is not a regular file, or None when it is one."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return LoadError(str(path), None, "is a directory, expected a file")
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return LoadError(str(path), None, f"is not a regular file ({kind})")


def _open_regular(path: Path) -> int:
    """A read-only descriptor of the regular file ``path`` names (through symlinks), or a :class:`LoadError`.

    The type is checked before opening (opening a pipe blocks until someone writes), then again on the
    descriptor, which is opened non-blocking in case the path was replaced in between.
    """
    try:
        problem = _not_regular(path, os.stat(path).st_mode)
        if problem is not None:
            raise problem
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise LoadError(str(path), None, "no such file") from None
    except OSError as exc:
        raise LoadError(str(path), None, f"cannot read: {exc.strerror}") from None
    problem = _not_regular(path, os.fstat(fd).st_mode)
    if problem is not None:
        os.close(fd)
        raise problem
    return fd


def read_limited(path: Path, limit: int, too_large: Callable[[int], str] | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    ``too_large(size)`` words the refusal of a larger file (default: its size and the limit in MB). A file
    whose size is over the limit is refused unread; one that says it is smaller (a growing file, a ``/proc``
    file) is read for at most ``limit + 1`` bytes.
    """
    message = too_large or _larger(limit)
    fd = _open_regular(path)
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(fd).st_size
        if size > limit:
            raise LoadError(str(path), None, message(size))
        try:
            want = size + 1  # one more than it says: a file that grew is noticed
            data = f.read(want)
            if len(data) == want:
                data += f.read(limit + 1 - want)
        except OSError as exc:
            raise LoadError(str(path), None, f"cannot read: {exc.strerror}") from None
    if len(data) > limit:
        raise LoadError(str(path), None, message(len(data)))
    return data


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the regular file ``path`` (enough to tell its format); empty when it is
    not one or cannot be read (reading it with :func:`read_limited` names the problem)."""
    try:
        fd = _open_regular(path)
    except LoadError:
        return b""
    with os.fdopen(fd, "rb") as f:
        try:
            return f.read(size)
        except OSError:
            return b""


def write_whole(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all at once or not at all (:func:`graph.store.replace_file`); a failure is a
    :class:`LoadError` naming the file."""
    try:
        replace_file(path, text)
    except OSError as exc:
        raise LoadError(str(path), None, f"cannot write: {exc.strerror}") from None
