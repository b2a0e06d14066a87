"""A small, realistic portfolio the doctests (and anyone trying the analysis in a REPL) can build on.

It exercises every rule of the impact semantics:

* ``saksbehandling`` needs ``brevtjeneste`` (hard) and ``okonomimodulen`` (soft);
* ``brevtjeneste`` delivers letters via ``print`` *or* ``digipost`` (alternatives, group ``channel``);
* ``praksisinfo`` is reached by helseaktører via ``tjenesteportal-for-helseaktor`` (scoped edge);
* the portal logs users in with ``helseid``; ``okonomimodulen`` receives from saksbehandling (inferred).

>>> G = letters()
>>> sorted(G.nodes)[:4]
['brevtjeneste', 'digipost', 'dip', 'helfo']
>>> G.number_of_edges()
11
"""

from __future__ import annotations

import networkx as nx

from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType, Strength, to_networkx

__all__ = ["letters", "letters_portfolio"]


def letters_portfolio() -> Portfolio:
    """The example as a :class:`~graph.model.Portfolio`."""
    sys, act, ext = NodeKind.SYSTEM, NodeKind.ACTOR, NodeKind.EXTERNAL
    nodes = (
        Node("saksbehandling", "Saksbehandling", sys),
        Node("brevtjeneste", "Brevtjenesten", sys, short="BT"),
        Node("print", "Utskriftstjeneste", ext),
        Node("digipost", "Digital postkasse", ext),
        Node("okonomimodulen", "Økonomimodulen", sys),
        Node("tjenesteportal-for-helseaktor", "Tjenesteportal for helseaktør", sys),
        Node("helseid", "HelseID", ext),
        Node("praksisinfo", "Praksisinfo", sys),
        Node("dip", "Digital Innholdsplattform (DIP)", sys, aliases=("hAPI",), short="DIP"),
        Node("helseaktor", "Helseaktør", act),
        Node("helfo", "Helfo", act),
    )
    e = Edge
    edges = (
        e(
            "saksbehandling",
            "brevtjeneste",
            RelType.USES,
            "Saksbehandling sender brev via brevtjenesten.",
            line=3,
        ),
        e(
            "saksbehandling",
            "okonomimodulen",
            RelType.USES,
            "Utbetaling via Økonomimodulen.",
            line=4,
            strength=Strength.SOFT,
        ),
        e("brevtjeneste", "print", RelType.DELIVERS_VIA, "Brev sendes på papir", line=7, alt_group="channel"),
        e("brevtjeneste", "digipost", RelType.DELIVERS_VIA, "eller digitalt.", line=7, alt_group="channel"),
        e(
            "okonomimodulen",
            "saksbehandling",
            RelType.RECEIVES_FROM,
            "Benyttes av fagsystemer.",
            line=9,
            confidence=Confidence.INFERRED,
            strength=Strength.SOFT,
            rule="generic-use",
        ),
        e(
            "tjenesteportal-for-helseaktor",
            "helseid",
            RelType.AUTHENTICATES_WITH,
            "Innlogging med HelseID.",
            line=12,
        ),
        e(
            "praksisinfo",
            "tjenesteportal-for-helseaktor",
            RelType.ACCESSED_VIA,
            "via Tjenesteportalen.",
            line=15,
            scope=("helseaktor",),
        ),
        e("helseaktor", "praksisinfo", RelType.USES, "Benyttes av helseaktører.", line=15),
        e("helfo", "praksisinfo", RelType.USES, "Helfo benytter opplysningene.", line=16),
        e("helfo", "saksbehandling", RelType.USES, "Benyttes av Helfo.", line=2),
        e(
            "dip",
            "brevtjeneste",
            RelType.USES,
            "Skjema sendes som brev.",
            line=20,
            confidence=Confidence.INFERRED,
        ),
    )
    return Portfolio("examples/letters.txt", nodes, edges)


def letters() -> nx.MultiDiGraph:
    """The example as the analysis graph (``to_networkx(letters_portfolio())``)."""
    return to_networkx(letters_portfolio())
