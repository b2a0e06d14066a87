"""The questions architects ask of the seed, answered with redundancy, scope and evidence."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis import Impact, NodeNotFound, Resolver, critical, impact, paths
from graph.model import Portfolio, to_networkx


@pytest.fixture(scope="module")
def G(seed: Portfolio) -> nx.MultiDiGraph:
    return to_networkx(seed)


def down(G: nx.MultiDiGraph, *names: str, min_confidence: str = "inferred") -> Impact:
    r = Resolver(G)
    return impact(G, [r.resolve(n) for n in names], min_confidence=min_confidence)


def test_hint_down_takes_hapi_down_but_not_dip_whose_content_hapi_publishes(G: nx.MultiDiGraph) -> None:
    result = down(G, "hINT")
    hapi = result.by_id("hapi")
    assert hapi.state == "down" and hapi.path.nodes == ("hapi", "hint")
    assert (
        "dip" not in result.states()
    )  # "eksponere samme innhold via API (hAPI)": the API serves DIP's content
    published = next(e for e in G.edges(data=True) if e[:2] == ("hapi", "dip"))
    assert "eksponere samme innhold via API (hAPI)" in published[2]["evidence"]


def test_hint_down_says_inferred_where_the_answer_rests_on_inference(G: nx.MultiDiGraph) -> None:
    result = down(G, "hint")
    for system in ("blaresept", "hesa", "tbr", "hego", "besta"):
        item = result.by_id(system)
        assert item.state == "degraded" and item.inferred, system
        assert item.path.hops[0].confidence == "inferred"
    assert not result.by_id("hapi").inferred
    stated_only = down(G, "hint", min_confidence="curated")
    assert "blaresept" not in stated_only.states() and "hapi" in stated_only.states()


def test_tjenesteportal_down_cuts_helseaktorer_off_praksisinfo_and_oppgjor_but_not_flo(
    G: nx.MultiDiGraph,
) -> None:
    result = down(G, "tjenesteportalen")
    for system in ("praksisinfo", "oppgjor-med-helfo"):
        assert result.by_id(system).down_for == ("helseaktor",)
    assert "flo" not in result.states()
    helseaktor = next(a for a in result.actors if a.id == "helseaktor")
    assert {"praksisinfo", "oppgjor-med-helfo"} <= {x.id for x in helseaktor.loses}
    assert "helfo" not in {
        a.id for a in result.actors
    }  # Helfo's own case work does not go through the portal


def test_alternative_channel_keeps_letters_flowing_when_helsenorge_is_down(G: nx.MultiDiGraph) -> None:
    result = down(G, "Helsenorge")
    assert result.by_id("frikort-brevmodul").state == "degraded"
    assert result.by_id("flo").down_for == ("innbygger",)  # switching GP goes through Helsenorge
    citizens = next(a for a in result.actors if a.id == "innbygger")
    assert "flo" in {x.id for x in citizens.loses}


def test_letters_stop_only_when_every_channel_is_down(G: nx.MultiDiGraph) -> None:
    result = down(G, "helsenorge", "elektronisk-postkasse", "post")
    assert result.by_id("frikort-brevmodul").state == "down"


def test_nav_down_delays_frikort_brevmodul_without_taking_it_down(G: nx.MultiDiGraph) -> None:
    result = down(G, "nav-tjenester")  # NAV's services, which the letter module gets its decisions from
    assert result.by_id("frikort-brevmodul").state == "delayed"  # a batch of decisions waits; nothing is down
    assert result.summary()["by_state"]["down"] == 0
    assert "frida" not in result.states()  # the copied description's edges were curated away


def test_rina_down_stops_the_rina_integration_and_degrades_the_elsa_flows(G: nx.MultiDiGraph) -> None:
    result = down(G, "RINA")
    assert result.by_id("elsa-rinaintegrasjon").state == "down"
    assert {result.by_id(x).state for x in ("elsa-helserettigheter", "elsa-landoppgjor")} == {"degraded"}


def test_one_login_provider_down_degrades_the_portal_and_both_take_it_down(G: nx.MultiDiGraph) -> None:
    assert down(G, "HelseID").by_id("tjenesteportal-for-helseaktor").state == "degraded"
    assert down(G, "HelseID", "MinID").by_id("tjenesteportal-for-helseaktor").state == "down"
    pairs = {tuple(p.pair) for p in critical(G).pairs}
    assert ("helseid", "minid") in pairs


def test_names_fold_case_and_norwegian_letters(G: nx.MultiDiGraph) -> None:
    r = Resolver(G)
    assert r.resolve("okonomimodulen") == "okonomimodulen"
    assert r.resolve("tjenesteportalen") == "tjenesteportal-for-helseaktor"
    assert r.resolve("HAPI") == "hapi"
    assert r.resolve("ELSA Helsererettigheter") == "elsa-helserettigheter"
    with pytest.raises(NodeNotFound) as err:
        r.resolve("hintt")
    assert "hint" in err.value.suggestions and len(err.value.suggestions) <= 3


def test_how_a_helseaktor_reaches_hint_is_explained_hop_by_hop(G: nx.MultiDiGraph) -> None:
    result = paths(G, "helseaktor", "hint", min_confidence="inferred")  # only inferred edges reach hINT
    assert result.paths and all(p.nodes[0] == "helseaktor" and p.nodes[-1] == "hint" for p in result.paths)
    assert all(h.evidence for p in result.paths for h in p.hops)
