"""Hypothesis profile for the graph tests: modest example counts, no deadline (CI runs on 2 cores)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "graph", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("graph")
