"""Who may do what over HTTP: FastAPI dependencies that check the ``X-API-Key`` header against a role.

Keys, roles and the keys file are :mod:`app.keys`; ``create_app`` puts a :class:`~app.keys.Keyring` on
``app.state.keyring``. A route (or a router) asks for the lowest role it needs:

* reads are open, unless ``EAGRAPH_READ_API_KEY=true``: then they need ``reader`` (any valid key);
* curation decisions need ``curator``;
* admin endpoints (``POST /api/v1/admin/reload``) need ``admin``.

Answers, as ``application/problem+json`` through :mod:`app.errors`:

* no valid key can have the role (no such key in the keys file, and no ``EAGRAPH_API_KEY``): 403, the
  endpoints are disabled — as before named keys, when admin endpoints without ``EAGRAPH_API_KEY`` were off;
* no ``X-API-Key``, or an unknown or revoked key: 401 with ``WWW-Authenticate: ApiKey``;
* a valid key whose role is too low: 403 naming the role needed.

Using it in a route
-------------------
A route that needs the caller's name — the author of a decision — takes a :class:`~app.keys.Caller`::

    from app.auth import CuratorCaller

    @decisions.post("/decisions")
    def post_decision(body: schemas.DecisionIn, caller: CuratorCaller) -> schemas.Decision:
        ...  # caller.name: "kari-nordmann"; caller.role: Role.CURATOR (or ADMIN: higher roles may too)

``CuratorCaller`` is ``Annotated[Caller, Depends(require_role("curator"))]``; ``ReaderCaller`` and
``AdminCaller`` are the same for their roles. A whole router can need a role instead, and read the name from
``request.state.key_name`` (also ``request.state.caller``)::

    decisions = APIRouter(prefix="/api/v1", dependencies=[Depends(require_role("curator"))],
                          responses=problem_responses(401, 403))

``require_role(role)`` returns the same function for the same role, so FastAPI runs it once per request even
when a router and its route both ask.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from starlette.exceptions import HTTPException

from app.keys import Caller, Keyring, Role

__all__ = ["AdminCaller", "Caller", "CuratorCaller", "ReaderCaller", "Role", "get_keyring", "require_role"]

_api_key = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A key from `eagraph keys add NAME --role ROLE` (roles: reader < curator < admin), or "
    "EAGRAPH_API_KEY (an admin key).",
)

_DISABLED = {Role.READER: "reads", Role.CURATOR: "curator endpoints", Role.ADMIN: "admin endpoints"}


def get_keyring(request: Request) -> Keyring:
    keyring: Keyring = request.app.state.keyring
    return keyring


@functools.cache
def require_role(role: Role | str) -> Callable[..., Caller]:
    """A dependency admitting keys of ``role`` or higher; it returns the :class:`~app.keys.Caller`."""
    needed = Role(role)

    def dependency(
        request: Request,
        keyring: Annotated[Keyring, Depends(get_keyring)],
        key: Annotated[str | None, Security(_api_key)] = None,
    ) -> Caller:
        if not keyring.configured(needed):
            raise HTTPException(
                403,
                f"{_DISABLED[needed]} are disabled: no API key is configured for the {needed} role "
                f"(EAGRAPH_API_KEY, or eagraph keys add NAME --role {needed})",
            )
        caller = keyring.caller(key) if key else None
        if caller is None:
            raise HTTPException(
                401, "a valid X-API-Key header is required", headers={"WWW-Authenticate": "ApiKey"}
            )
        if not caller.role.covers(needed):
            raise HTTPException(
                403, f"this needs the {needed} role; the key {caller.name!r} has the {caller.role} role"
            )
        request.state.key_name = caller.name
        request.state.caller = caller
        return caller

    dependency.__name__ = dependency.__qualname__ = f"require_{needed}"
    return dependency


ReaderCaller = Annotated[Caller, Depends(require_role(Role.READER))]
CuratorCaller = Annotated[Caller, Depends(require_role(Role.CURATOR))]
AdminCaller = Annotated[Caller, Depends(require_role(Role.ADMIN))]
