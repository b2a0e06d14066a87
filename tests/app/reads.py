"""Every read the API offers, one request each, for tests that must hold for all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Read:
    method: str
    path: str
    params: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    json: bool = True  # False: a file whose revision and staleness are only in the headers

    def request(self, client: Any, prefix: str = "/api/v1") -> Any:
        return client.request(self.method, prefix + self.path, params=self.params, json=self.body)


READS = (
    Read("GET", "/nodes", {"kind": "system", "limit": 5}),
    Read("GET", "/nodes", {"q": "portal"}),
    Read("GET", "/nodes/hint"),
    Read("GET", "/nodes/DIP/dependencies", {"depth": 2}),
    Read("GET", "/nodes/FKR/dependents"),
    Read("GET", "/impact", {"down": ["hINT", "post"]}),
    Read("GET", "/paths", {"from": "Praksisinfo", "to": "HelseID"}),
    Read("GET", "/analysis/critical"),
    Read("GET", "/analysis/cycles"),
    Read("GET", "/findings"),
    Read("GET", "/graph"),
    Read("POST", "/scenarios", body={"down": ["Helsenorge"], "edits": []}),
    Read("GET", "/export/mermaid", json=False),
)
