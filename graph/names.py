"""Name resolution shared by every entry point: what the user typed -> a node id (or, for a search box,
the ids it could mean: :meth:`Resolver.search`).

A query is matched, in this order, and the first step with any match decides:

1. an exact node id;
2. an id, name, alias or ``short`` abbreviation, case- and accent-folded (:func:`graph.model.fold`), with
   punctuation ignored: ``"okonomimodulen"`` is *Økonomimodulen*, ``"HAPI"`` is *hAPI*;
3. the same after stripping Norwegian definite suffixes (``-ene``, ``-en``, ``-et``, ``-a``, then a final
   ``-e``) from every word on both sides: ``"Utskriftstjenesten"`` is *Utskriftstjeneste*;
4. the (stripped) query as the leading word(s) of a name: ``"tjenesteportalen"`` is
   *Tjenesteportal for helseaktør*.

Several nodes at the deciding step raise :class:`~graph.errors.AmbiguousName` listing them; no match raises
:class:`~graph.errors.NodeNotFound` with up to three suggestions.

Examples
--------
>>> from graph.examples import letters
>>> r = Resolver(letters())
>>> r.resolve("okonomimodulen"), r.resolve("HAPI"), r.resolve("Tjenesteportalen")
('okonomimodulen', 'dip', 'tjenesteportal-for-helseaktor')
>>> r.resolve("Utskriftstjenesten"), r.resolve("bt"), r.resolve("Digital Innholdsplattform")
('print', 'brevtjeneste', 'dip')
>>> r.resolve("digital")
Traceback (most recent call last):
...
graph.errors.AmbiguousName: 'digital' is ambiguous: digipost, dip
>>> r.resolve("praksisinf")
Traceback (most recent call last):
...
graph.errors.NodeNotFound: no node matches 'praksisinf'; did you mean: praksisinfo?
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx

from graph.errors import AmbiguousName, InvalidQuery, NodeNotFound
from graph.model import fold

__all__ = ["MAX_QUERY_LENGTH", "Resolver", "normalize", "resolve", "stem", "suggest"]

MAX_QUERY_LENGTH = 200
_fold = fold.__wrapped__  # every label of a landscape once: a bounded cache would only churn
_WORD = re.compile(r"[^\W_]+")
_SUFFIXES = ("ene", "en", "et", "a", "e")
_MIN_STEM = 3


def normalize(text: str) -> str:
    """Fold case and Norwegian letters, keep only words.

    >>> normalize("Nasjonale Kvalitetsindikatorer (NKI)"), normalize("tjenesteportal-for-helseaktor")
    ('nasjonale kvalitetsindikatorer nki', 'tjenesteportal for helseaktor')
    """
    return " ".join(_WORD.findall(_fold(text)))


def stem(phrase: str) -> str:
    """Strip a Norwegian definite suffix from every word of a normalized phrase (keeping 3+ letters).

    A final ``-e`` goes too, so the base and definite forms of *tjeneste* meet:

    >>> stem("tjenesteportalen"), stem("okonomimodulen"), stem("systemene"), stem("helfo")
    ('tjenesteportal', 'okonomimodul', 'system', 'helfo')
    >>> stem("tjenesten") == stem("tjeneste") == stem("tjenestene")
    True
    """
    return " ".join(_stem_word(w) for w in phrase.split())


@lru_cache(maxsize=1 << 16)  # a portfolio repeats its words: each is stemmed once
def _stem_word(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def _labels(attrs: dict[str, object], node_id: str) -> Iterable[str]:
    yield node_id
    for field in ("name", "short", "entry"):
        value = attrs.get(field)
        if isinstance(value, str) and value:
            yield value
    aliases = attrs.get("aliases") or ()
    if isinstance(aliases, list | tuple):
        yield from (a for a in aliases if isinstance(a, str) and a)


def _check(query: object) -> str:
    if not isinstance(query, str):
        raise InvalidQuery(f"a name must be text, not {type(query).__name__}")
    text = query.strip()
    if not text:
        raise InvalidQuery("empty name")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery(f"name longer than {MAX_QUERY_LENGTH} characters")
    return text


@dataclass(frozen=True, slots=True)
class _Tables:
    """The name index: folded labels to node ids, exactly, stemmed and by stemmed first words."""

    exact: dict[str, tuple[str, ...]]
    stemmed: dict[str, tuple[str, ...]]
    prefix: dict[str, tuple[str, ...]]
    labels: tuple[tuple[str, str], ...]  # (folded label, node id), sorted: for search and suggestions

    @classmethod
    def of(cls, G: nx.MultiDiGraph) -> _Tables:
        exact: dict[str, set[str]] = {}
        stemmed_: dict[str, set[str]] = {}
        prefix: dict[str, set[str]] = {}
        labels: set[tuple[str, str]] = set()
        for node_id, attrs in G.nodes(data=True):
            for key in {normalize(label) for label in _labels(attrs, node_id)}:  # name and entry often agree
                if not key:
                    continue
                labels.add((key, node_id))
                exact.setdefault(key, set()).add(node_id)
                stemmed = [_stem_word(w) for w in key.split()]  # stem(key), kept as words
                whole = " ".join(stemmed)
                stemmed_.setdefault(key if whole == key else whole, set()).add(node_id)  # one string, not two
                for k in range(1, len(stemmed)):
                    prefix.setdefault(" ".join(stemmed[:k]), set()).add(node_id)
        # Kept as sorted tuples: a one-element set is four times the size, and a landscape has 100,000 names.
        alone: dict[str, tuple[str]] = {}  # one tuple per node for the names only it has, in every table

        def ordered(ids: set[str]) -> tuple[str, ...]:
            if len(ids) == 1:
                (node_id,) = ids
                return alone.setdefault(node_id, (node_id,))
            return tuple(sorted(ids))

        return cls(
            {k: ordered(v) for k, v in exact.items()},
            {k: ordered(v) for k, v in stemmed_.items()},
            {k: ordered(v) for k, v in prefix.items()},
            tuple(sorted(labels)),
        )


class Resolver:
    """Resolve user-typed names against one graph; build once per graph revision, then reuse.

    A node id resolves at once; the name index is built on the first name that is not an id (at 100,000
    nodes about two seconds), or ahead of it by :meth:`complete` (the API calls it on its builder thread
    right after a new revision starts answering).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph built by :func:`graph.model.to_networkx`.
    """

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self._graph = G
        self._ids: frozenset[str] = frozenset(G.nodes)
        self._built: _Tables | None = None
        self._lock = threading.Lock()

    def complete(self) -> Resolver:
        """Build the name index now, if no name has yet.

        >>> from graph.examples import letters
        >>> len(Resolver(letters()).complete()._tables.labels) > 11
        True
        """
        _ = self._tables
        return self

    @property
    def _tables(self) -> _Tables:
        built = self._built
        if built is None:
            with self._lock:
                if self._built is None:
                    self._built = _Tables.of(self._graph)
                built = self._built
        return built

    def matches(self, query: str) -> tuple[str, ...]:
        """Every node id matching ``query`` at the first step that matches anything (sorted; may be empty).

        >>> from graph.examples import letters
        >>> Resolver(letters()).matches("Digital")
        ('digipost', 'dip')
        """
        text = _check(query)
        if text in self._ids:
            return (text,)
        key = normalize(text)
        stemmed = stem(key)
        tables = self._tables
        for table, k in ((tables.exact, key), (tables.stemmed, stemmed), (tables.prefix, stemmed)):
            found = table.get(k)
            if found:
                return found
        return ()

    def resolve(self, query: str) -> str:
        """The one node id ``query`` names.

        Raises
        ------
        InvalidQuery
            ``query`` is not text, is blank, or is longer than :data:`MAX_QUERY_LENGTH`.
        AmbiguousName
            Several nodes match equally well.
        NodeNotFound
            Nothing matches; ``suggestions`` holds up to three look-alikes.
        """
        found = self.matches(query)
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousName(query.strip(), found)
        raise NodeNotFound(query.strip(), self.suggest(query))

    def resolve_all(self, queries: Iterable[str]) -> tuple[str, ...]:
        """Resolve several names (for "these nodes are down"), keeping the order and dropping repeats.

        >>> from graph.examples import letters
        >>> Resolver(letters()).resolve_all(["HELSEID", "helseid", "bt"])
        ('helseid', 'brevtjeneste')
        """
        return tuple(dict.fromkeys(self.resolve(q) for q in queries))

    def search(self, query: str) -> tuple[str, ...]:
        """Node ids for a search box, best first.

        First what :meth:`matches` finds, then nodes with an id, name, alias or abbreviation starting with the
        folded query, then those containing it; when nothing does, :meth:`suggest`'s look-alikes.

        >>> from graph.examples import letters
        >>> r = Resolver(letters())
        >>> r.search("dig")                   # typing "dig…": both names starting with it
        ('digipost', 'dip')
        >>> r.search("portal"), r.search("tjenesteportalen")
        (('tjenesteportal-for-helseaktor',), ('tjenesteportal-for-helseaktor',))
        >>> r.search("helsid")                # a typo still offers something
        ('helseid',)
        """
        text = _check(query)
        key = normalize(text)
        first = self.matches(text)
        starts: list[tuple[str, str]] = []
        contains: list[tuple[str, str]] = []
        if key:
            for label, node_id in self._tables.labels:
                if label.startswith(key):
                    starts.append((label, node_id))
                elif key in label:
                    contains.append((label, node_id))
        found = dict.fromkeys((*first, *(n for _, n in starts), *(n for _, n in contains)))
        return tuple(found) if found else self.suggest(text)

    def suggest(self, query: str, limit: int = 3) -> tuple[str, ...]:
        """Up to ``limit`` node ids whose labels look like ``query``: containing it, then by similarity.

        >>> from graph.examples import letters
        >>> Resolver(letters()).suggest("portal")
        ('tjenesteportal-for-helseaktor',)
        """
        key = normalize(_check(query)) if isinstance(query, str) and query.strip() else ""
        if not key:
            return ()
        ranked: list[tuple[float, str, str]] = []
        matcher = difflib.SequenceMatcher(b=key, autojunk=False)
        for label, node_id in self._tables.labels:
            if len(key) >= _MIN_STEM and key in label:
                ranked.append((2.0 - len(key) / len(label), label, node_id))
                continue
            matcher.set_seq1(label)
            if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
                continue
            ratio = matcher.ratio()
            if ratio >= 0.6:
                ranked.append((ratio, label, node_id))
        ranked.sort(key=lambda t: (-t[0], t[1], t[2]))
        return tuple(dict.fromkeys(node_id for _, _, node_id in ranked))[:limit]


def resolve(G: nx.MultiDiGraph, query: str) -> str:
    """One-off :meth:`Resolver.resolve` (build a :class:`Resolver` to resolve many names).

    >>> from graph.examples import letters
    >>> resolve(letters(), "  ØKONOMIMODULEN ")
    'okonomimodulen'
    """
    return Resolver(G).resolve(query)


def suggest(G: nx.MultiDiGraph, query: str, limit: int = 3) -> tuple[str, ...]:
    """One-off :meth:`Resolver.suggest`: look-alike node ids for an unknown name or id.

    >>> from graph.examples import letters
    >>> suggest(letters(), "helsid")
    ('helseid',)
    """
    return Resolver(G).suggest(query, limit)
