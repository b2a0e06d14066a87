"""Settings from the environment (``EAGRAPH_*``, ``NEO4J_*``), in one pydantic-settings class.

A value that does not validate raises pydantic's ``ValidationError`` (titled ``Settings``); the CLI shows it
as one line through :func:`describe`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["MIN_API_KEY_LENGTH", "Settings", "describe", "env_name"]

MIN_API_KEY_LENGTH = 16


class Settings(BaseSettings):
    """Everything the service reads from its environment. Nothing connects when this is built."""

    model_config = SettingsConfigDict(env_prefix="EAGRAPH_", env_file=".env", extra="ignore")

    store: Literal["memory", "neo4j"] = "memory"
    portfolio: str | None = None  # a document in the seed layout; default: the shipped seed + overlay
    neo4j_uri: str = Field(
        "bolt://127.0.0.1:7687", validation_alias=AliasChoices("NEO4J_URI", "EAGRAPH_NEO4J_URI")
    )
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "EAGRAPH_NEO4J_USER"))
    neo4j_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("NEO4J_PASSWORD", "EAGRAPH_NEO4J_PASSWORD")
    )
    # Named keys with roles (app.keys, `eagraph keys`); relative to the working directory.
    keys_file: Path = Path(".eagraph/keys.json")
    api_key: SecretStr | None = (
        None  # an admin key named "admin"; no admin key at all: admin endpoints refuse
    )
    read_api_key: bool = False  # True: reads need a key too (any role)
    cors_origins: list[str] = []  # CORS is off unless origins are listed
    max_body_bytes: int = 64 * 1024
    # While the store does not answer, reads come from the last revision read, flagged stale (app.resilience).
    store_timeout: float = Field(3.0, gt=0)  # seconds a request waits for the store
    store_recheck: float = Field(0.5, ge=0)  # first back-off before the store is asked again, doubling …
    store_recheck_max: float = Field(5.0, ge=0)  # … up to this
    # Writers to Neo4j take turns: a load waits this long for another one to finish, and holds the lock for a
    # lease it renews (a writer that dies frees it when the lease runs out).
    lock_wait: float = Field(300.0, ge=0)
    lock_lease: float = Field(60.0, ge=3)
    # POST /admin/reload answers within this many seconds; a portfolio read after that is not loaded.
    reload_timeout: float = Field(300.0, gt=0)
    # The memory store's curation decisions (one JSON object per line): beside the portfolio by default
    # (<portfolio>.decisions.jsonl); with the shipped seed, kept in the process only unless this is set.
    decisions_file: str | None = None
    # Revisions kept for reads "as of" one and diffs: the current one and the most recent others.
    revisions_kept: int = Field(20, ge=1)

    @property
    def decisions_path(self) -> Path | None:
        """Where the memory store keeps its decisions (see ``decisions_file``)."""
        if self.decisions_file:
            return Path(self.decisions_file)
        if self.portfolio:
            given = Path(self.portfolio)
            return given.with_name(given.stem + ".decisions.jsonl")
        return None

    @field_validator("api_key", mode="before")
    @classmethod
    def _key_long_enough(cls, value: object) -> object:
        """An empty key is no key (admin stays off); a short or blank one is refused rather than guessed, and
        so is one with white space at either end (an HTTP header loses it: the key could never match)."""
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if text is None or text == "":
            return None
        if isinstance(text, str):
            if not text.strip():
                raise ValueError("EAGRAPH_API_KEY must not be blank")
            if text != text.strip():
                raise ValueError("EAGRAPH_API_KEY must not begin or end with white space")
            if len(text) < MIN_API_KEY_LENGTH:
                raise ValueError(f"EAGRAPH_API_KEY must have at least {MIN_API_KEY_LENGTH} characters")
        return value


def env_name(field: str) -> str:
    """The environment variable a setting is read from.

    >>> env_name("api_key"), env_name("neo4j_password")
    ('EAGRAPH_API_KEY', 'NEO4J_PASSWORD')
    """
    info = Settings.model_fields.get(field)
    choices = getattr(info.validation_alias if info else None, "choices", None)
    return str(choices[0]) if choices else f"EAGRAPH_{field.upper()}"


def describe(error: ValidationError) -> str:
    """A settings error as one line, naming the environment variable and never echoing its value.

    >>> try:
    ...     Settings(_env_file=None, api_key="short", store_timeout=0)
    ... except ValidationError as exc:
    ...     print(describe(exc))
    EAGRAPH_API_KEY must have at least 16 characters; EAGRAPH_STORE_TIMEOUT: Input should be greater than 0
    """
    parts = []
    for item in error.errors(include_input=False, include_url=False):
        message = str(item["msg"]).removeprefix("Value error, ")
        name = env_name(str(item["loc"][0])) if item["loc"] else ""
        parts.append(message if not name or message.startswith(name) else f"{name}: {message}")
    return "; ".join(parts)
