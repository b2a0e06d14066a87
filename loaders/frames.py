"""The verb frames: which Norwegian phrase, in which voice, with which preposition, makes which relation, and
who depends on whom. The table is data (``loaders/frames.csv``, rendered in ``docs/frames.md``); this module
reads it and answers "which frames does this cue take with this preposition?".

Columns: ``family`` (the phrase family), ``cue`` (a lemma, or lemmas of a phrase: "slå opp", "ta imot"; a
noun such as "innlogging"; or a bare preposition for verbless fragments: "via", "fra"), ``voice`` (``active``,
``passive`` or ``any``), ``prep`` (the preposition before the argument, ``-`` for a direct object),
``type`` (the :class:`~graph.model.RelType`), ``roles`` (who depends on whom: ``subj>arg`` — the clause's
subject depends on the argument —, ``arg>subj``, ``agent>subj`` — the "av" phrase of a passive depends on the
subject —, ``subj>agent``, ``subj>obj``, ``obj>subj``, ``mutual``), ``strength``, ``mode`` (``live``,
``message``, ``batch``, or empty: read from the sentence) and an ``example``.

>>> frames_for("hente", "fra")[0].type.value, frames_for("hente", "fra")[0].roles
('RECEIVES_FROM', 'subj>arg')
>>> [f.family for f in frames_for("bruke", "av")]
['used-by']
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.model import RelType, Strength

__all__ = ["FRAMES", "Frame", "cue_words", "frames", "frames_for", "frames_page", "markdown_table"]

FRAMES = Path(__file__).with_name("frames.csv")
ROLES = frozenset({"subj>arg", "arg>subj", "agent>subj", "subj>agent", "subj>obj", "obj>subj", "mutual"})
PREP_CUES = frozenset(
    {"fra", "til", "via", "gjennom", "over", "mellom", "på", "for"}
)  # fallbacks without a verb


@dataclass(frozen=True)
class Frame:
    family: str
    cue: str
    voice: str
    prep: str
    type: RelType
    roles: str
    strength: Strength
    mode: str | None
    example: str

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.cue.split())

    @property
    def rule(self) -> str:
        """The rule name edges carry: ``family:cue+prep``."""
        return f"{self.family}:{self.cue.replace(' ', '-')}+{self.prep.replace(' ', '-')}"

    @property
    def is_fallback(self) -> bool:
        """A bare preposition: used only where no verb or noun of the clause takes the argument."""
        return self.cue in PREP_CUES


@lru_cache(maxsize=1)
def frames() -> tuple[Frame, ...]:
    out = []
    with FRAMES.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["roles"] not in ROLES:
                raise ValueError(f"{FRAMES.name}: unknown roles {row['roles']!r} for {row['cue']!r}")
            out.append(
                Frame(
                    family=row["family"],
                    cue=row["cue"],
                    voice=row["voice"],
                    prep=row["prep"],
                    type=RelType(row["type"]),
                    roles=row["roles"],
                    strength=Strength(row["strength"]),
                    mode=row["mode"] or None,
                    example=row["example"],
                )
            )
    return tuple(out)


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Frame, ...]]:
    by_first: dict[str, list[Frame]] = {}
    for frame in frames():
        by_first.setdefault(frame.words[0], []).append(frame)
    return {k: tuple(v) for k, v in by_first.items()}


def cue_words() -> frozenset[str]:
    """The first word of every cue: what a token's lemma is looked up by."""
    return frozenset(_index())


def frames_starting(word: str) -> tuple[Frame, ...]:
    return _index().get(word, ())


def frames_for(cue: str, prep: str) -> list[Frame]:
    return [f for f in frames() if f.cue == cue and f.prep == prep]


def frames_page() -> str:
    """``docs/frames.md``: the table with how to read it (``python -m loaders.frames > docs/frames.md``)."""
    families = sorted({f.family for f in frames()})
    counts = ", ".join(f"{fam} {sum(1 for f in frames() if f.family == fam)}" for fam in families)
    return (
        "# The verb frames\n\n"
        "<!-- Generated from loaders/frames.csv by `python -m loaders.frames > docs/frames.md`; "
        "tests/loaders/test_frames.py fails when it is out of date. -->\n\n"
        "How eagraph turns a Norwegian phrase into a relation. A **cue** is a lemma (simplemma's Bokmål data: "
        "*hentes*, *hentet*, *henter* are all *hente*), a phrase of lemmas (*slå opp*, *ta imot*), a noun "
        "(*innlogging*, *versjon*) or, as a fallback where no verb takes the name, a bare preposition. The "
        "**voice** says whether the frame holds in the active (*Fagsak henter …*), the passive (*… hentes av "
        "Fagsak*, *… blir hentet*) or both. The **preposition** is the one right before the name it takes "
        "(`-`: a direct object). **Who depends on whom** names the clause's roles: `subj>arg` — the subject "
        "(the entry itself when the sentence has none, as in the verb-first *Henter data fra X*) depends on "
        "the name after the preposition; `agent>subj` — the *av* phrase of a passive depends on the subject; "
        "`mutual` — both ways. **Mode** is how data moves when the phrase says it (`batch` delays rather than "
        "downs); empty: read from the sentence (*hver natt*, *som fil*, *melding*).\n\n"
        f"{len(frames())} frames in {len(families)} families ({counts}).\n\n" + markdown_table()
    )


def markdown_table() -> str:
    """The frame table as Markdown, by family (``docs/frames.md``)."""
    lines = [
        "| family | cue | voice | preposition | relation | who depends on whom | strength | mode | example |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in frames():
        lines.append(
            f"| {f.family} | {f.cue} | {f.voice} | {f.prep} | `{f.type.value}` | {f.roles} | {f.strength.value} "
            f"| {f.mode or ''} | {f.example} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(frames_page(), end="")
