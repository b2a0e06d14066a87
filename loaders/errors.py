"""The one error a loader raises: what is wrong, in which file, at which line."""

from __future__ import annotations

__all__ = ["LoadError"]


class LoadError(Exception):
    """Bad input. Printed by the CLI as one line (``source:line: message``) with exit code 2.

    >>> str(LoadError("seed.txt", 3, "no table header"))
    'seed.txt:3: no table header'
    >>> str(LoadError("seed.txt", None, "document is empty"))
    'seed.txt: document is empty'
    """

    def __init__(self, source: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"
