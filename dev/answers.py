"""Writes ``docs/answers.md``: the seed's answers to ten "what breaks" questions, each with its reasoning.

The tables are the tool's own answers (default confidence: stated and curated edges), regenerated here; the
reasoning under each is written by hand, checked line by line against the document. ``tests/docs`` fails when
the page no longer matches what the tool answers — then re-read the reasoning before regenerating::

    .venv/bin/python dev/answers.py > docs/answers.md
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.analysis import Impact, Resolver, impact
from graph.model import Portfolio, to_networkx
from loaders import load_portfolio

# (question, what is down, the reasoning an architect signs off — every claim cites the document's line)
QUESTIONS: list[tuple[str, list[str], str]] = [
    (
        "hINT is down",
        ["hINT"],
        "The document names hINT and hAPI in one entry (lines 59–61) as one platform, so the overlay makes hAPI "
        "part of hINT: hAPI is **down**. FKR's purpose is to gather Helfo's contacts “i et felles register på "
        "Hdirs plattform” (line 67–68); Hdir's own service platform is hINT (line 63), so FKR runs on it — "
        "curated as *soft* (degraded) until an architect confirms FKR stops entirely without it.\n\n"
        "DIP is **not** impacted: DIP “implementerer parallelle komponenter for å eksponere samme innhold via "
        "API (hAPI)” (line 48) — hAPI serves DIP's content, DIP does not need hAPI.\n\n"
        "Everything else the document hangs on hINT comes from “Benyttes av fagsystemer internt” (line 63): "
        "no case-processing system is named, so these are *possible* (inferred), listed apart with that "
        "phrase, and not counted. A finding (`unnamed-group`) asks which systems “fagsystemer” are.",
    ),
    (
        "Tjenesteportal for helseaktør is down",
        ["Tjenesteportal for helseaktør"],
        "Praksisinfo (line 4) and Oppgjør med Helfo (line 9) are used by helseaktører “via Tjenesteportalen”. "
        "The portal is the helseaktører's way in, not the systems' engine: Helfo still works in Praksisinfo "
        "(“Helfo benytter opplysningene til saksbehandling”, line 6). So both systems are **degraded**, "
        "*down for helseaktører*; the helseaktører lose what they use them for, in the document's words.",
    ),
    (
        "HelseID is down",
        ["HelseID"],
        "The portal logs in “ved å bruke f.eks HelseID, MinID og et felles kontaktregister” (line 42): the "
        "overlay makes HelseID and MinID alternatives. One of them down leaves the other, so the portal is "
        "**degraded**, and through it Praksisinfo and Oppgjør med Helfo. “f.eks” says the list is open "
        "(finding `open-list`): there may be more ways in than the two named.",
    ),
    (
        "HelseID and MinID are down",
        ["HelseID", "MinID"],
        "Both alternatives gone: the portal is **down** (line 42). Praksisinfo and Oppgjør med Helfo are "
        "**degraded** — down for helseaktører, still there for Helfo's case workers. HelseID + MinID is the "
        "seed's one fatal pair (`eagraph critical`). The third item of the list, “et felles kontaktregister”, "
        "describes FKR rather than naming it, so the portal's edge to FKR is *inferred* and not counted.",
    ),
    (
        "NAV (tjenester) is down",
        ["NAV (tjenester)"],
        "“Helsedirektoratet får ferdige vedtak fra NAV for utsending” (line 103–104): the letter module sends "
        "decisions NAV has already made. When NAV cannot deliver, new letters wait and the ones already made "
        "still go out — Frikort brevmodul is **delayed**, not down (the overlay marks the flow `batch`). "
        "Citizens get their letters late.",
    ),
    (
        "Helsenorge is down",
        ["Helsenorge"],
        "Citizens change their GP “via Helsenorge” (FLO, line 99): FLO is **degraded**, down for citizens "
        "(Helfo still does its case work in it). Letters reach citizens “på Helsenorge, elektronisk postkasse "
        "eller i posten” (line 104): three alternatives, so losing one **degrades** Frikort brevmodul.",
    ),
    (
        "DFØ (tjenester) is down",
        ["DFØ (tjenester)"],
        "Økonomimodulen “transporterer økonomitransaksjoner mellom fagsystemer og økonomisystem hos DFØ” "
        "(line 110–111): transactions are carried to DFØ, and wait when DFØ is down, so Økonomimodulen is "
        "**delayed**. Which systems send transactions the document does not say (“fagsystemer”): they are "
        "*possible* (inferred) and not counted — FKR, Praksisinfo, TBR or UVreg have no payment flow a reader "
        "can find.",
    ),
    (
        "DIP is down",
        ["DIP"],
        "“På denne driftes Helsedirektoratet.no, Helfo.no, POBO.no og aldersvennlig.no” (line 45): the four "
        "sites are **down**. hAPI exposes “samme innhold via API” (line 48): it is **degraded** — the API "
        "platform runs, but DIP's content is not there to serve.",
    ),
    (
        "RINA is down",
        ["RINA"],
        "ELSA Rinaintegrasjon “ivaretar flyt av informasjon … mellom fagsystemet ELSA helserettigheter og ELSA "
        "landoppgjør og RINA (Applikasjon utviklet av EU for å formidle informasjon mellom EU land)” (lines "
        "13–15): without RINA it has nothing to carry, **down**. The two ELSA systems keep their domestic case "
        "work and lose the exchange with other EU/EEA countries — for Landoppgjør “å sende og motta "
        "elektroniske oppgjørskrav mellom EØS-land” (line 18–19) — so they are **degraded**. The capabilities "
        "listed above are the systems' whole purpose as the document words it; the part Helfo actually loses "
        "is the cross-border one.",
    ),
    (
        "Økonomimodulen is down",
        ["Økonomimodulen"],
        "Nothing the document *names* needs Økonomimodulen: its senders are “fagsystemer” (line 110), unnamed. "
        "The default answer is therefore empty, and the case-processing systems appear as *possible*, "
        "delayed — a payment flow is a batch. An architect who knows which systems pay through it adds them "
        "in the overlay; until then the tool does not guess.",
    ),
]

LEGEND = """# What breaks — the seed's answers, and why

Ten questions an architect asks of the Hdir/Helfo portfolio (`seed/hdir-systemportefolje-2023.txt`), as
`eagraph impact` answers them by default: over **stated** edges (a sentence says it) and **curated** ones (the
overlay says it, with its reason). Edges the rules *infer* from unnamed groups (“Benyttes av fagsystemer
internt”) are listed apart as **possible** and never counted. Each answer is followed by its reasoning,
checked against the document line by line.

- **down** — the system stops for everyone who needs it.
- **degraded** — it works with less: an alternative is gone, a soft dependency, or a way in for some users
  (“down for helseaktører”).
- **delayed** — it works, but what reaches it by a batch flow arrives late; it catches up.
- **loses** — people and organisations do not go down: they lose what they use a system for.

Regenerate with `.venv/bin/python dev/answers.py > docs/answers.md` (a test fails when this page and the
tool disagree). Same questions in the terminal: `eagraph impact hINT`; wider, with inferred edges:
`eagraph impact hINT --min-confidence inferred`.
"""


def _chain(G: object, item: object) -> str:
    hops = item.path.hops  # type: ignore[attr-defined]
    names = [G.nodes[hops[0].source]["name"]] + [G.nodes[h.target]["name"] for h in hops]  # type: ignore[attr-defined]
    return " → ".join(names)


def _lines(item: object) -> str:
    return ", ".join(f"{h.document}:{h.line}" for h in item.path.hops)  # type: ignore[attr-defined]


def section(_p: Portfolio, G: object, question: str, names: list[str], reasoning: str) -> str:
    r = Resolver(G)  # type: ignore[arg-type]
    down = [r.resolve(n) for n in names]
    res: Impact = impact(G, down)  # type: ignore[arg-type]
    by = res.summary()["by_state"]
    out = [f"## {question}", ""]
    out.append(
        f"`eagraph impact {' '.join(repr(n) if ' ' in n else n for n in names)}` — "
        f"**{by['down']} down, {by['degraded']} degraded, {by['delayed']} delayed**"
        + (f"; {len(res.possible)} possible through inferred edges" if res.possible else "")
    )
    out.append("")
    if res.impacted:
        out += ["| state | system | why | evidence (document:line, hop by hop) |", "|---|---|---|---|"]
        order = {"down": 0, "degraded": 1, "delayed": 2}
        for i in sorted(res.impacted, key=lambda i: (order[i.state], i.name)):
            state = i.state + (
                f" (down for {', '.join(G.nodes[a]['name'] for a in i.down_for)})" if i.down_for else ""
            )  # type: ignore[attr-defined]
            out.append(f"| {state} | {i.name} | {_chain(G, i)} | {_lines(i)} |")
        out.append("")
    else:
        out += ["Nothing named in the document is impacted.", ""]
    if res.actors:
        out += ["**What each user loses**", ""]
        for a in res.actors:
            for loss in a.loses:
                what = "; ".join(loss.capabilities) or "the use of it (the document does not say what for)"
                out.append(f"- {a.name}: {what} — via {loss.name} ({loss.state})")
        out.append("")
    if res.possible:
        names_ = ", ".join(sorted(i.name for i in res.possible))
        first = res.possible[0].path.hops[-1]
        out += [
            f"**Possible** (inferred, not counted; {res.possible[0].state}): {names_} — from “{first.evidence}” "
            f"({first.document}:{first.line}).",
            "",
        ]
    out += ["**Reasoning.** " + reasoning, ""]
    return "\n".join(out)


def page(p: Portfolio | None = None) -> str:
    p = p or load_portfolio()
    G = to_networkx(p)
    return LEGEND + "\n" + "\n".join(section(p, G, q, n, why) for q, n, why in QUESTIONS)


if __name__ == "__main__":
    sys.stdout.write(page())
