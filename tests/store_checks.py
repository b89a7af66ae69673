"""Checks shared by the tests that compare a server's graph with the local one."""

from __future__ import annotations

from triplehelix.graph.store.protocol import Store
from triplehelix.graph.views.network import bipartite_graph, coparticipation_graph, node_table
from triplehelix.graph.views.stats import collect_stats


def assert_same_views(far: Store, local: Store) -> None:
    """The NetworkX views, the node table and the statistics of ``far`` (a server) are
    those of ``local`` (an in-memory store); only the location differs."""
    co_far, co_local = coparticipation_graph(far), coparticipation_graph(local)
    assert sorted(co_far.edges(data=True)) == sorted(co_local.edges(data=True))
    assert dict(co_far.nodes(data=True)) == dict(co_local.nodes(data=True))
    b_far, b_local = bipartite_graph(far), bipartite_graph(local)
    assert sorted(map(sorted, b_far.edges())) == sorted(map(sorted, b_local.edges()))
    assert node_table(far) == node_table(local)
    far_stats, local_stats = collect_stats(far).as_dict(), collect_stats(local).as_dict()
    assert far_stats.pop("location") == far.location
    assert local_stats.pop("location") == "memory"
    assert far_stats == local_stats
