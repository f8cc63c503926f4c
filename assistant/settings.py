"""All configuration in one place: environment variables (prefix ``KBASSIST_``) and ``.env``.

Nothing reads the environment at import time: ``get_settings()`` builds the settings once, on first
use, and tests either clear its cache or pass their own ``Settings`` in.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"
BUNDLED_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


Role = Literal["agent", "writer", "admin"]


class ApiKey(BaseModel):
    """What one API key may do: see its teams' content, and (writer, admin) change documents."""

    model_config = ConfigDict(extra="forbid")

    teams: list[str] = Field(default_factory=list)
    role: Role = "agent"
    admin: bool = False  # the same as role "admin"

    @property
    def effective_role(self) -> Role:
        return "admin" if self.admin else self.role


class HttpSettings(BaseSettings):
    """The HTTP API (``KBASSIST_API_KEYS``, ``KBASSIST_MAX_REQUEST_BYTES``,
    ``KBASSIST_ALLOWED_HOSTS``)."""

    model_config = SettingsConfigDict(env_prefix="KBASSIST_", env_file=".env", extra="ignore")

    # {"api-key": ["team", ...]} (an agent key) or {"api-key": {"teams": [...], "role": "writer"}};
    # empty means no key is required (local use)
    api_keys: dict[str, list[str] | ApiKey] = Field(default_factory=dict)
    max_request_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Without keys, only requests addressed to these hosts are served (no DNS rebinding)
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "::1", "[::1]"]
    )

    def key(self, name: str) -> ApiKey:
        """The configured key ``name`` (an existing one), as an ``ApiKey``."""
        spec = self.api_keys[name]
        return spec if isinstance(spec, ApiKey) else ApiKey(teams=spec)


def _slack_alias(name: str) -> AliasChoices:
    """Slack's own variable name (``SLACK_BOT_TOKEN``), ours, and the field name."""
    return AliasChoices(f"SLACK_{name.upper()}", f"KBASSIST_SLACK_{name.upper()}", name)


class SlackSettings(BaseSettings):
    """The Slack app (Slack's standard variable names for the secrets; ``KBASSIST_SLACK_*``)."""

    model_config = SettingsConfigDict(
        env_prefix="KBASSIST_SLACK_", env_file=".env", extra="ignore", populate_by_name=True
    )

    bot_token: SecretStr | None = Field(default=None, validation_alias=_slack_alias("bot_token"))
    signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_slack_alias("signing_secret")
    )
    app_token: SecretStr | None = Field(default=None, validation_alias=_slack_alias("app_token"))
    api_url: str | None = None
    allowed_channels: list[str] = Field(default_factory=list)
    user_teams: dict[str, list[str]] = Field(default_factory=dict)
    # Teams whose restricted content may be posted visibly in a channel (channel id -> teams);
    # a channel answer uses only the teams the asker and the channel have in common.
    channel_teams: dict[str, list[str]] = Field(default_factory=dict)
    # Document owners (their `owner` field) -> Slack user ids, for DM digests (flags, reviews due)
    owner_users: dict[str, str] = Field(default_factory=dict)


class ZendeskSettings(BaseSettings):
    """Zendesk Support (``KBASSIST_ZENDESK_*``): where its API is, the API user and token that
    read solved tickets, and the secret that signs the webhook (``/v1/webhooks/zendesk`` is off
    without one)."""

    model_config = SettingsConfigDict(
        env_prefix="KBASSIST_ZENDESK_", env_file=".env", extra="ignore"
    )

    subdomain: str | None = Field(default=None, description="'acme' for acme.zendesk.com")
    api_url: str | None = Field(
        default=None, description="the API's base URL instead of https://SUBDOMAIN.zendesk.com"
    )
    email: str | None = Field(default=None, description="the API user (token authentication)")
    api_token: SecretStr | None = None
    webhook_secret: SecretStr | None = Field(
        default=None, description="the webhook's signing secret (Admin Center > Webhooks)"
    )
    product_field: str | None = Field(
        default=None, description="id of the ticket custom field whose value is the product"
    )
    timestamp_tolerance_s: float = Field(default=300.0, gt=0, le=3600)
    timeout_s: float = Field(default=10.0, gt=0, le=120)

    @property
    def base_url(self) -> str | None:
        """``api_url``, or the subdomain's ``https://SUBDOMAIN.zendesk.com``; None when unset."""
        if self.api_url:
            return self.api_url.rstrip("/")
        return f"https://{self.subdomain}.zendesk.com" if self.subdomain else None


class DraftSettings(BaseSettings):
    """Drafts and the review queue (``KBASSIST_PUBLISH_DIR``, ``KBASSIST_WRITABLE_KB_DIRS``,
    ``KBASSIST_FIX_MIN_SUGGESTIONS``)."""

    model_config = SettingsConfigDict(env_prefix="KBASSIST_", env_file=".env", extra="ignore")

    publish_dir: Path | None = Field(
        default=None, description="where approved articles are written; <data dir>/published"
    )
    writable_kb_dirs: list[Path] = Field(
        default_factory=list, description="KB folders whose Markdown articles a fix may change"
    )
    fix_min_suggestions: int = Field(
        default=2, ge=1, le=100, description="edits of one passage that open a fix proposal"
    )


# The environment prefix of each settings model, for error messages that name the variable.
ENV_PREFIXES = {
    "Settings": "KBASSIST_",
    "HttpSettings": "KBASSIST_",
    "SlackSettings": "KBASSIST_SLACK_",
    "ZendeskSettings": "KBASSIST_ZENDESK_",
    "DraftSettings": "KBASSIST_",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KBASSIST_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Storage
    data_dir: Path = Path(".kbassist")
    chroma_url: str | None = Field(
        default=None, description="http(s)://host:port of a Chroma server; embedded when unset"
    )
    chroma_collection: str = "kbassist"
    database_url: str | None = Field(
        default=None, description="SQLAlchemy-style URL; default sqlite under the data dir"
    )

    # Embedding
    embed_model: str = Field(
        default=BUNDLED_MODEL,
        description="'bundled:all-MiniLM-L6-v2', a local model folder, or a hub name",
    )
    embed_model_sha256: str | None = Field(
        default=None, description="expected sha256 of model.safetensors (bundled: built in)"
    )
    embed_device: str = "cpu"
    embed_batch_size: int = Field(default=64, ge=1, le=1024)
    embed_threads: int = Field(
        default=0, ge=0, le=256, description="torch threads; 0 = torch's default (all cores)"
    )
    embed_backend: Literal["torch", "onnx"] = Field(
        default="torch",
        description="'onnx': the same model as int8 ONNX (exported under the data dir)",
    )

    # Chunking. A change re-chunks and re-embeds every document on the next ingest.
    chunk_max_words: int = Field(default=180, ge=10, le=2000, description="longest chunk, words")
    chunk_overlap_words: int = Field(
        default=30, ge=0, le=500, description="words repeated between a long section's chunks"
    )

    # Input bounds
    max_file_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    max_document_chars: int = Field(default=1_000_000, ge=100)

    # LLM (any OpenAI-compatible endpoint)
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = Field(default=20.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=8)
    answerer: Literal["auto", "extractive", "llm"] = "auto"
    abstain_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="confidence below which the extractive answerer abstains; unset: the "
        "built-in value chosen on dev data. `kbassist eval` reports the one a gold set's dev "
        "items choose for your own knowledge base",
    )
    stale_ticket_days: int | None = Field(
        default=365,
        ge=1,
        description="a resolved ticket last updated more than this many days ago counts as "
        "stale (flagged, ranked lower, kept out of reply drafts); unset: tickets never age",
    )
    sentence_meaning: bool = Field(
        default=False,
        description="the extractive answer weighs each candidate sentence's meaning (the "
        "embedding model's similarity to the question) beside its words; every chunk's "
        "sentences are embedded at ingest (a longer ingest) into sentence_vectors.db in the data "
        "directory, and a sentence missing there is embedded when asked; off: words only",
    )
    prompts_dir: Path | None = Field(
        default=None, description="folder of versioned prompt files; the repo's prompts/ when unset"
    )

    # Channels, each in its own nested model (read from the same environment)
    http: HttpSettings = Field(default_factory=lambda: HttpSettings())
    slack: SlackSettings = Field(default_factory=lambda: SlackSettings())
    zendesk: ZendeskSettings = Field(default_factory=lambda: ZendeskSettings())
    drafts: DraftSettings = Field(default_factory=lambda: DraftSettings())

    @model_validator(mode="after")
    def _overlap_below_max(self) -> Settings:
        if self.chunk_overlap_words >= self.chunk_max_words:
            raise ValueError(
                f"chunk_overlap_words ({self.chunk_overlap_words}) must be smaller than "
                f"chunk_max_words ({self.chunk_max_words})"
            )
        return self

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def docstore_path(self) -> Path:
        return self.data_dir / "docstore.json"

    @property
    def publish_path(self) -> Path:
        return self.drafts.publish_dir or self.data_dir / "published"

    @property
    def sqlite_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'kbassist.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
