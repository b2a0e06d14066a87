"""Named errors raised by the analysis and name resolution; entry points map them to HTTP or CLI errors.

Examples
--------
>>> err = NodeNotFound("tjenesteportl", ("tjenesteportal-for-helseaktor",))
>>> str(err)
"no node matches 'tjenesteportl'; did you mean: tjenesteportal-for-helseaktor?"
>>> isinstance(err, LookupError), err.suggestions
(True, ('tjenesteportal-for-helseaktor',))
>>> str(AmbiguousName("elsa", ("elsa-landoppgjor", "elsa-rinaintegrasjon")))
"'elsa' is ambiguous: elsa-landoppgjor, elsa-rinaintegrasjon"
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["AmbiguousName", "EagraphError", "InvalidEdit", "InvalidQuery", "NodeNotFound"]


class EagraphError(Exception):
    """Base of every error the graph package raises on purpose."""


class NodeNotFound(EagraphError, LookupError):
    """No node matches ``query``; ``suggestions`` holds up to a few node ids that look alike."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no node matches {query!r}{hint}")


class AmbiguousName(EagraphError, LookupError):
    """``query`` matches several nodes equally well; ``candidates`` are their ids, sorted."""

    def __init__(self, query: str, candidates: Sequence[str]) -> None:
        self.query = query
        self.candidates = tuple(candidates)
        super().__init__(f"{query!r} is ambiguous: {', '.join(self.candidates)}")


class InvalidQuery(EagraphError, ValueError):
    """A query or parameter that cannot be answered: empty, too long, an unknown confidence level …"""


class InvalidEdit(EagraphError, ValueError):
    """A scenario edit that does not apply: removing a missing edge, adding an existing one …"""
