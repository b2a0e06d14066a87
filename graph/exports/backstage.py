"""The portfolio as a Backstage software catalog (``backstage.io/v1alpha1``, one YAML document per entity).

=============  =====================================================================================
ours           Backstage
=============  =====================================================================================
the document   ``System`` (every component and API is part of it)
system         ``Component`` (``spec.type: service``)
website        ``Component`` (``spec.type: website``)
integration    ``Component`` (``service``) that ``providesApis`` an ``API`` named ``<id>-api``
external       ``Resource`` (``spec.type: external``): outside the portfolio, only depended on
actor          ``Group`` (``spec.type: actor``); owners named in the document that are not actors too
A → B          ``consumesApis: [api:B-api]`` when B is an integration (but HOSTED_ON, BUILT_ON and
               PART_OF are ``dependsOn``), ``subcomponentOf: component:B`` for the first PART_OF,
               else ``dependsOn: [component:B | resource:B | group:B]``
actor A → B    ``dependencyOf: [group:A]`` on B's Component or Resource: a Group has no dependency
               field, so who uses a system is written on the system; Backstage's catalog turns it into
               the relation pair *group A dependsOn B* / *B dependencyOf group A*, drawn in its graph
=============  =====================================================================================

Names follow Backstage's rules (``[a-zA-Z0-9]`` runs joined by ``-_.``, at most 63 characters); titles keep
the real names. Each entity's annotations carry its id, kind and source line, and
``eagraph/dependencies`` lists its outgoing edges as JSON with type, evidence, confidence, strength,
line, alternatives group and scope, so nothing the document says is lost. What Backstage's model cannot
hold lives only there: the relation type (every dependency is ``dependsOn``, ``dependencyOf`` or
``consumesApis``), evidence, confidence, strength, alternatives and scope, and an actor's edge to another
actor (a Group cannot depend on a Group).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from graph.model import Edge, Node, NodeKind, Portfolio, RelType, slugify

__all__ = ["API_VERSION", "backstage_entities", "backstage_name", "to_backstage"]

API_VERSION = "backstage.io/v1alpha1"
PREFIX = "eagraph/"
UNOWNED = "unowned"
NOT_API = frozenset({RelType.HOSTED_ON, RelType.BUILT_ON, RelType.PART_OF})
_NAME = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")


def backstage_name(raw: str) -> str:
    """A valid Backstage entity name for ``raw``: a slug, at most 63 characters.

    >>> backstage_name("tjenesteportal-for-helseaktor")
    'tjenesteportal-for-helseaktor'
    >>> backstage_name("Økonomi / lønn"), len(backstage_name("x" * 80))
    ('okonomi-lonn', 63)
    """
    name = raw if _NAME.match(raw) and len(raw) <= 63 else slugify(raw) or "unnamed"
    if len(name) > 63:
        digest = hashlib.sha1(raw.encode()).hexdigest()[:8]
        name = name[:54].rstrip("-_.") + "-" + digest
    return name


def _kind_of(node: Node) -> str:
    if node.kind == NodeKind.ACTOR:
        return "Group"
    if node.kind == NodeKind.EXTERNAL:
        return "Resource"
    return "Component"


class _Names:
    """Unique names per Backstage kind, and the entity reference of every node."""

    def __init__(self, nodes: tuple[Node, ...]) -> None:
        self.name: dict[str, str] = {}
        taken: set[tuple[str, str]] = set()
        for n in nodes:
            base, k = backstage_name(n.id), 1
            name = base
            while (_kind_of(n), name) in taken:
                k += 1
                name = f"{base[:60]}-{k}"
            taken.add((_kind_of(n), name))
            self.name[n.id] = name
        self.kind = {n.id: _kind_of(n) for n in nodes}

    def ref(self, node_id: str) -> str:
        return f"{self.kind[node_id].lower()}:{self.name[node_id]}"

    def api(self, node_id: str) -> str:
        return f"api:{self.name[node_id][:59].rstrip('-_.')}-api"


def _dependency(e: Edge) -> dict[str, Any]:
    d: dict[str, Any] = {
        "target": e.target,
        "type": e.type.value,
        "evidence": e.evidence,
        "confidence": e.confidence.value,
        "strength": e.strength.value,
        "source": f"{e.document}:{e.line}" if e.document else None,
        "alt_group": e.alt_group,
        "scope": list(e.scope) or None,
    }
    return {k: v for k, v in d.items() if v is not None}


def _metadata(node: Node, name: str, out: list[Edge]) -> dict[str, Any]:
    annotations = {f"{PREFIX}id": node.id, f"{PREFIX}kind": node.kind.value}
    if node.document:
        annotations[f"{PREFIX}source"] = f"{node.document}:{node.line}" if node.line else node.document
    if out:
        annotations[f"{PREFIX}dependencies"] = json.dumps(
            [_dependency(e) for e in out], ensure_ascii=False, indent=2
        )
    meta: dict[str, Any] = {"name": name, "title": node.name}
    if node.description:
        meta["description"] = node.description
    meta["tags"] = [node.kind.value]
    if node.url:
        meta["links"] = [{"url": node.url, "title": node.name}]
    meta["annotations"] = annotations
    return meta


def _owner_groups(portfolio: Portfolio, names: _Names) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The owner ref of every owner text, and Group entities for owners that are not actors."""
    actors = {n.id: n for n in portfolio.nodes if n.kind == NodeKind.ACTOR}
    refs: dict[str, str] = {}
    extra: dict[str, dict[str, Any]] = {}
    for text in sorted({n.owner for n in portfolio.nodes if n.owner}):
        slug = slugify(text)
        if slug in actors:
            refs[text] = names.ref(slug)
            continue
        name = backstage_name(f"owner-{slug}")
        refs[text] = f"group:{name}"
        extra[name] = _group(name, text, f"Owner named in {portfolio.document}")
    extra[UNOWNED] = _group(UNOWNED, "Owner not stated", f"No owner is stated in {portfolio.document}")
    return refs, list(extra.values())


def _group(name: str, title: str, description: str) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "Group",
        "metadata": {"name": name, "title": title, "description": description},
        "spec": {"type": "owner", "children": []},
    }


def _spec(
    node: Node,
    out: list[Edge],
    names: _Names,
    owner: str,
    system: str,
    by_id: dict[str, Node],
    users: list[str],
) -> dict[str, Any]:
    if node.kind == NodeKind.ACTOR:
        return {"type": "actor", "profile": {"displayName": node.name}, "children": []}
    depends: list[str] = []
    consumes: list[str] = []
    parent: str | None = None
    for e in out:
        target = by_id[e.target]
        if target.kind == NodeKind.INTEGRATION and e.type not in NOT_API:
            consumes.append(names.api(e.target))
        elif e.type == RelType.PART_OF and parent is None and names.kind[e.target] == "Component":
            parent = names.ref(e.target)
        else:
            depends.append(names.ref(e.target))
    spec: dict[str, Any]
    if node.kind == NodeKind.EXTERNAL:
        spec = {"type": "external", "owner": owner}
    else:
        kind = "website" if node.kind == NodeKind.WEBSITE else "service"
        spec = {"type": kind, "lifecycle": "production", "owner": owner, "system": system}
        if parent:
            spec["subcomponentOf"] = parent
        if node.kind == NodeKind.INTEGRATION:
            spec["providesApis"] = [names.api(node.id)]
        if consumes:
            spec["consumesApis"] = list(dict.fromkeys(consumes))
    if depends:
        spec["dependsOn"] = list(dict.fromkeys(depends))
    if users:
        spec["dependencyOf"] = list(dict.fromkeys(users))
    return spec


def _users(portfolio: Portfolio, names: _Names) -> dict[str, list[str]]:
    """The Groups (actors) that depend on each node, by node id, for its ``dependencyOf``."""
    users: dict[str, list[str]] = {n.id: [] for n in portfolio.nodes}
    for e in portfolio.edges:
        if names.kind[e.source] == "Group" and names.kind[e.target] != "Group":
            users[e.target].append(names.ref(e.source))
    return users


def backstage_entities(portfolio: Portfolio) -> list[dict[str, Any]]:
    """The catalog entities as plain dicts: System, Groups, Components, APIs, Resources."""
    names = _Names(portfolio.nodes)
    by_id = {n.id: n for n in portfolio.nodes}
    out: dict[str, list[Edge]] = {n.id: [] for n in portfolio.nodes}
    for e in portfolio.edges:
        out[e.source].append(e)
    users = _users(portfolio, names)
    owner_refs, owner_groups = _owner_groups(portfolio, names)
    owners = Counter(n.owner for n in portfolio.nodes if n.owner)
    main_owner = owner_refs[min(owners, key=lambda o: (-owners[o], o))] if owners else f"group:{UNOWNED}"
    system_name = backstage_name(re.sub(r"\.[A-Za-z0-9]+$", "", portfolio.document) or "portfolio")
    system = f"system:{system_name}"
    entities: list[dict[str, Any]] = [
        {
            "apiVersion": API_VERSION,
            "kind": "System",
            "metadata": {
                "name": system_name,
                "title": portfolio.document or "portfolio",
                "description": f"Every system in {portfolio.document}, read by eagraph "
                f"(revision {portfolio.revision}).",
                "annotations": {f"{PREFIX}revision": portfolio.revision}
                | {f"{PREFIX}{backstage_name(k)}": v for k, v in sorted(portfolio.meta.items())},
            },
            "spec": {"owner": main_owner, "type": "portfolio"},
        },
        *owner_groups,
    ]
    apis: list[dict[str, Any]] = []
    order = {"Group": 0, "Component": 1, "Resource": 2}
    for n in sorted(portfolio.nodes, key=lambda n: order[names.kind[n.id]]):
        owner = owner_refs.get(n.owner, f"group:{UNOWNED}") if n.owner else f"group:{UNOWNED}"
        entities.append(
            {
                "apiVersion": API_VERSION,
                "kind": names.kind[n.id],
                "metadata": _metadata(n, names.name[n.id], out[n.id]),
                "spec": _spec(n, out[n.id], names, owner, system, by_id, users[n.id]),
            }
        )
        if n.kind == NodeKind.INTEGRATION:
            apis.append(_api(n, names, owner, system))
    return entities + apis


def _api(node: Node, names: _Names, owner: str, system: str) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "API",
        "metadata": {
            "name": names.api(node.id).removeprefix("api:"),
            "title": f"{node.name} (integration)",
            "description": f"What systems integrate through {node.name}.",
            "annotations": {f"{PREFIX}id": node.id},
        },
        "spec": {
            "type": "integration",
            "lifecycle": "production",
            "owner": owner,
            "system": system,
            "definition": f"{node.name}: the portfolio names this integration platform but gives no "
            "machine-readable interface definition.",
        },
    }


def _literal_blocks(value: Any) -> Any:
    """Multi-line strings (the JSON of dependencies) as YAML ``|`` blocks, for people reading the file."""
    if isinstance(value, dict):
        return {k: _literal_blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal_blocks(v) for v in value]
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def to_backstage(portfolio: Portfolio) -> str:
    """Multi-document YAML, one ``---`` document per entity, keys in Backstage's usual order."""
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.explicit_start = True
    buf = io.StringIO()
    yaml.dump_all([_literal_blocks(e) for e in backstage_entities(portfolio)], buf)
    return buf.getvalue()
