"""The analysis API in one place: pure functions over the graph built by :func:`graph.model.to_networkx`.

* :func:`impact` / :func:`impact_states` — what breaks if these nodes are down (:mod:`graph.impact`);
* :func:`dependencies`, :func:`dependents`, :func:`paths`, :func:`cycles` — walking the graph
  (:mod:`graph.traverse`);
* :func:`critical` — blast radius, single points of failure, fatal pairs (:mod:`graph.critical`);
* :func:`scenario` with :class:`RemoveEdge`, :class:`AddEdge`, :class:`SetStrength`, :class:`SetAltGroup` —
  what-if (:mod:`graph.scenario`);
* :class:`Resolver` — user-typed names to node ids (:mod:`graph.names`).

>>> from graph.examples import letters
>>> G = letters()
>>> impact(G, [Resolver(G).resolve("Tjenesteportalen")]).summary()["by_state"]
{'down': 0, 'degraded': 1, 'delayed': 0}
"""

from graph.critical import Criticality, NodeCriticality, PairFailure, critical, dominator_tree, required_units
from graph.edges import Hop, Path
from graph.errors import AmbiguousName, EagraphError, InvalidEdit, InvalidQuery, NodeNotFound
from graph.impact import ActorImpact, Impact, ImpactedNode, Loss, State, impact, impact_states, state_rank
from graph.names import Resolver, resolve, suggest
from graph.scenario import (
    AddEdge,
    Change,
    Edit,
    RemoveEdge,
    Scenario,
    SetAltGroup,
    SetStrength,
    apply_edits,
    edit_from_dict,
    scenario,
)
from graph.traverse import Cycle, Cycles, Paths, Reach, Reached, cycles, dependencies, dependents, paths

__all__ = [
    "ActorImpact",
    "AddEdge",
    "AmbiguousName",
    "Change",
    "Criticality",
    "Cycle",
    "Cycles",
    "EagraphError",
    "Edit",
    "Hop",
    "Impact",
    "ImpactedNode",
    "InvalidEdit",
    "InvalidQuery",
    "Loss",
    "NodeCriticality",
    "NodeNotFound",
    "PairFailure",
    "Path",
    "Paths",
    "Reach",
    "Reached",
    "RemoveEdge",
    "Resolver",
    "Scenario",
    "SetAltGroup",
    "SetStrength",
    "State",
    "apply_edits",
    "critical",
    "cycles",
    "dependencies",
    "dependents",
    "dominator_tree",
    "edit_from_dict",
    "impact",
    "impact_states",
    "paths",
    "required_units",
    "resolve",
    "scenario",
    "state_rank",
    "suggest",
]
