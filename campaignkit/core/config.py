"""The instance configuration: ``campaign.toml`` plus the environment, validated.

The file is read once when the app starts; the result is a frozen pydantic
model, so nothing can change it while requests are served. Secrets may come
from the environment instead of the file:

- ``CAMPAIGNKIT_SECRET_KEY`` for ``[campaign] secret_key``
- ``DATABASE_URL`` (or ``CAMPAIGNKIT_DATABASE_URL``) for ``database_url``
- ``REDIS_URL`` (or ``CAMPAIGNKIT_REDIS_URL``) for ``redis_url``
- ``CAMPAIGNKIT_MAIL_PASSWORD`` for ``[mail] password``
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from werkzeug.sansio.utils import host_is_trusted


def _checked_rate(value: str) -> str:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a rate such as '10 per hour'") from None
    return value


#: A setting that is a rate limit in Flask-Limiter's words ("10 per hour;50 per day"),
#: checked at start-up so a typo stops the site with a message instead of a 500 later.
RateText = Annotated[str, AfterValidator(_checked_rate)]

CONFIG_FILE = "campaign.toml"

MAIL_PASSWORD_ENV = "CAMPAIGNKIT_MAIL_PASSWORD"  # noqa: S105 - a variable name

ENVIRONMENT_SECRETS = {
    "secret_key": ("CAMPAIGNKIT_SECRET_KEY",),
    "database_url": ("CAMPAIGNKIT_DATABASE_URL", "DATABASE_URL"),
    "redis_url": ("CAMPAIGNKIT_REDIS_URL", "REDIS_URL"),
}


DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql")
REDIS_SCHEMES = ("redis", "rediss", "unix")


class ConfigError(Exception):
    """A problem with the instance configuration, worded for the person running it."""


def freeze(value: Any) -> Any:
    """A read-only copy of parsed TOML: tables become mappings, arrays become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def _check_scheme(url: str | None, schemes: tuple[str, ...], what: str) -> str | None:
    if url is None:
        return None
    scheme = url.partition("://")[0].partition("+")[0].lower()
    if "://" not in url or scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ValueError(f"not a {what} URL (it must start with one of {allowed})")
    return url


def check_public_url(url: str) -> str:
    """A site address without its trailing slash; ValueError unless http(s), host, port, path."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValueError(f"'{url}' is not a URL such as https://campaign.example.org") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{url}' must start with http:// or https:// and name a host")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"'{url}' must be only scheme, host, port and path")
    return url.rstrip("/")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CampaignSection(_Section):
    """``[campaign]``: who this instance is for and what it runs."""

    name: str = "Our campaign"
    kit: str = "uk"
    theme: str | None = None
    plugins: tuple[str, ...] | None = None
    secret_key: str = ""
    database_url: str | None = None
    redis_url: str | None = None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, url: str | None) -> str | None:
        return _check_scheme(url, DATABASE_SCHEMES, "database")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, url: str | None) -> str | None:
        return _check_scheme(url, REDIS_SCHEMES, "Redis")


class ServerSection(_Section):
    """``[server]``: how the site is served."""

    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)
    max_upload_mb: int = Field(default=16, ge=1, le=1024)
    #: The site's address, the start of every absolute link (mail, feeds, API, sharing).
    public_url: str = "http://127.0.0.1:5000"
    #: Host names the site answers to; any other Host gets 400 (empty: any host).
    allowed_hosts: tuple[str, ...] = ()
    #: Mark cookies Secure on every response, not only those served over https.
    secure_cookies: bool = False
    #: A token a metrics scraper sends as ``Authorization: Bearer ...`` (empty: organisers only).
    metrics_token: str = ""

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token(cls, token: str) -> str:
        if token and (len(token) < 24 or not token.isascii() or not token.isprintable()):
            raise ValueError("metrics_token must be at least 24 printable ASCII characters")
        return token

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, url: str) -> str:
        return check_public_url(url)

    @field_validator("allowed_hosts")
    @classmethod
    def _allowed_hosts(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        for host in hosts:
            if not host_is_trusted(host.lstrip(".")) or ":" in host:
                raise ValueError(
                    f"'{host}' is not a host name (no scheme, port or path: 'campaign.example.org',"
                    " or '.example.org' for every subdomain)"
                )
        return tuple(host.lower() for host in hosts)

    @model_validator(mode="after")
    def _public_url_allowed(self) -> ServerSection:
        netloc = urlsplit(self.public_url).netloc
        if self.allowed_hosts and not host_is_trusted(netloc, list(self.allowed_hosts)):
            raise ValueError(
                f"allowed_hosts {list(self.allowed_hosts)} does not include the host of "
                f"public_url '{self.public_url}', so the site's own links would be refused"
            )
        return self


class MailSection(_Section):
    """``[mail]``: how mail leaves; without a host it is written to ``outbox/`` as .eml files."""

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    from_address: str = "campaign@localhost"
    timeout_s: float = Field(default=20, gt=0, le=300)


class AccountsSection(_Section):
    """``[accounts]``: sign-up, vetting, sign-in throttling and password hashing."""

    allow_signup: bool = True
    require_approval: bool = False
    #: Failures at one account from one address (or one known device) before back-off.
    signin_max_failures: int = Field(default=5, ge=1, le=1000)
    #: The first wait after those; it doubles with each further failure.
    signin_backoff_seconds: int = Field(default=30, ge=1, le=3600)
    signin_backoff_max_minutes: int = Field(default=60, ge=1, le=24 * 60)
    #: Failures at one account from everywhere but its known devices before only
    #: known devices and reset links get in.
    signin_max_failures_per_account: int = Field(default=50, ge=1, le=100_000)
    signin_max_failures_per_address: int = Field(default=100, ge=1, le=100_000)
    #: How long failures are remembered.
    signin_window_minutes: int = Field(default=24 * 60, ge=1, le=7 * 24 * 60)
    #: How long a browser stays a known device after its last sign-in.
    known_device_days: int = Field(default=365, ge=1, le=3650)
    signup_rate: RateText = "10 per hour"
    reset_rate: RateText = "5 per hour"
    verify_hours: int = Field(default=72, ge=1, le=24 * 30)
    reset_minutes: int = Field(default=60, ge=5, le=24 * 60)
    argon2_time_cost: int = Field(default=3, ge=1, le=20)
    argon2_memory_kib: int = Field(default=65536, ge=1024, le=4 * 1024 * 1024)
    argon2_parallelism: int = Field(default=4, ge=1, le=64)


class PrivacySection(_Section):
    """``[privacy]``: the consent asked for at sign-up and how long personal data is kept."""

    #: The words beside the unticked sign-up box; ``{campaign}`` is the campaign's name.
    signup_consent: str = (
        "I agree that {campaign} keeps my email address and account details to run my "
        "account, as its privacy notice describes. I can download or erase them at any time."
    )
    #: Change this whenever the wording changes, so each record says which words were shown.
    signup_consent_version: str = Field(default="1", min_length=1, max_length=40)
    #: Personal data older than this many days is purged by ``campaignkit privacy purge``
    #: (0: never); a plugin's own ``retention_days`` setting overrides it for that plugin.
    retention_days: int = Field(default=730, ge=0, le=36_500)


class CampaignConfig(_Section):
    """The whole of ``campaign.toml`` after validation."""

    campaign: CampaignSection = CampaignSection()
    server: ServerSection = ServerSection()
    mail: MailSection = MailSection()
    accounts: AccountsSection = AccountsSection()
    privacy: PrivacySection = PrivacySection()
    plugins: Mapping[str, Mapping[str, Any]] = Field(default_factory=lambda: MappingProxyType({}))

    @field_validator("plugins", mode="after")
    @classmethod
    def _read_only(cls, tables: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
        return freeze(tables)


def _known_keys(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The keys allowed beside the last part of ``path`` in ``model`` (empty when unknown)."""
    for part in path[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def nearest_hint(word: str, known: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` naming the known word nearest ``word``, or an empty string."""
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def describe_validation_error(
    error: ValidationError, where: str, model: type[BaseModel] | None = None
) -> str:
    """Turn a pydantic error into lines that name the file and the key.

    With the ``model`` that was validated, an unknown key is followed by the
    nearest key that model allows ("did you mean 'public_url'?").
    """
    lines = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"])
        if problem["type"] == "extra_forbidden":
            known = _known_keys(model, problem["loc"]) if model is not None else []
            hint = nearest_hint(str(problem["loc"][-1]), known)
            lines.append(f"{where}: unknown key '{location}'{hint}")
        elif problem["type"] == "value_error":
            lines.append(f"{where}: '{location}': {problem['ctx']['error']}")
        else:
            lines.append(f"{where}: '{location}': {problem['msg']}")
    return "\n".join(lines)


def is_path_ref(ref: str) -> bool:
    """Whether a kit or theme reference is a folder path rather than an installed name."""
    return "/" in ref or "\\" in ref or ref.startswith(".")


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, raising ConfigError with the file name on any problem."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML (the file is not UTF-8 text)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None


def _apply_environment(raw: dict[str, Any], environ: dict[str, str]) -> None:
    mail = raw.setdefault("mail", {})
    if isinstance(mail, dict) and environ.get(MAIL_PASSWORD_ENV):
        mail["password"] = environ[MAIL_PASSWORD_ENV]
    campaign = raw.setdefault("campaign", {})
    if not isinstance(campaign, dict):
        return
    for key, names in ENVIRONMENT_SECRETS.items():
        for name in names:
            if environ.get(name):
                campaign[key] = environ[name]
                break


def load_config(instance_dir: Path, environ: dict[str, str] | None = None) -> CampaignConfig:
    """Read and validate ``campaign.toml`` in ``instance_dir``, with environment secrets."""
    path = Path(instance_dir) / CONFIG_FILE
    if not path.exists():
        raise ConfigError(
            f"{path}: not found. Create an instance with 'campaignkit init DIR' "
            "or point --instance / CAMPAIGNKIT_INSTANCE at one."
        )
    raw = read_toml(path)
    _apply_environment(raw, dict(os.environ if environ is None else environ))
    try:
        config = CampaignConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, str(path), CampaignConfig)) from None
    if len(config.campaign.secret_key) < 16:
        raise ConfigError(
            f"{path}: 'campaign.secret_key' is missing or shorter than 16 characters "
            "(set it in the file or in CAMPAIGNKIT_SECRET_KEY)"
        )
    return config


def validate_plugin_settings(
    tables: dict[str, dict[str, Any]], schemas: dict[str, type[BaseModel]], where: str
) -> dict[str, BaseModel]:
    """Check every ``[plugins.<name>]`` table against the plugin's schema.

    ``tables`` holds the kit's settings overlaid with the instance's. Returns
    the validated settings per plugin (defaults for plugins with no table). A
    table for a plugin that declares no schema, or that is not enabled, is an
    error too: it is almost always a typo.
    """
    settings: dict[str, BaseModel] = {}
    problems = []
    with_settings = ", ".join(schemas) or "none"
    for name in tables:
        if name not in schemas:
            problems.append(
                f"{where}: [plugins.{name}] is not a setting table of an enabled plugin"
                f"{nearest_hint(name, list(schemas))} (enabled plugins with settings: "
                f"{with_settings})"
            )
    for name, schema in schemas.items():
        try:
            settings[name] = schema.model_validate(tables.get(name, {}))
        except ValidationError as exc:
            problems.append(describe_validation_error(exc, f"{where}: [plugins.{name}]", schema))
    if problems:
        raise ConfigError("\n".join(problems))
    return settings
