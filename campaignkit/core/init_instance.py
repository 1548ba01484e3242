"""Creating an instance folder, all or nothing, and editing its ``campaign.toml`` safely."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import tomlkit

from campaignkit.core.config import CONFIG_FILE, ConfigError, check_public_url, is_path_ref
from campaignkit.core.kits import load_kit
from campaignkit.core.themes import load_theme_chain
from campaignkit.core.urls import hosts_for

THEME_README = """\
Files here override the kit, the theme, plugins and core, in that order.

- templates/base.html replaces the layout; start it with
  {% extends "core:base.html" %} to change only some blocks.
- static/custom.css is added after the theme's stylesheet on every page.
"""


OPTIONAL_SECTIONS = """\
Mail: without a [mail] host, messages are written to outbox/ as .eml files.
[mail]
host = "smtp.example.org"
port = 587
username = "campaign@example.org"
starttls = true
from_address = "Our campaign <campaign@example.org>"
password: set CAMPAIGNKIT_MAIL_PASSWORD (or password = "..." here)

[accounts]
require_approval = true  # organisers approve new members first"""


def render_config(
    name: str,
    kit: str,
    theme: str | None,
    secret_key: str,
    database_url: str | None,
    plugins: Iterable[str] | None,
    public_url: str | None = None,
) -> str:
    """The text of a new ``campaign.toml``, with comments a group can follow.

    With a ``public_url``, ``[server]`` gets it and the matching ``allowed_hosts``.
    """
    document = tomlkit.document()
    document.add(tomlkit.comment("campaignkit instance settings. Reference: docs/configuration.md"))
    campaign = tomlkit.table()
    campaign.add("name", name)
    campaign.add("kit", kit)
    if theme:
        campaign.add("theme", theme)
    campaign.add(tomlkit.comment("Keep this secret; CAMPAIGNKIT_SECRET_KEY overrides it."))
    campaign.add("secret_key", secret_key)
    if database_url:
        campaign.add("database_url", database_url)
    else:
        campaign.add(
            tomlkit.comment('SQLite file in this folder; set database_url = "postgresql://..."')
        )
        campaign.add(tomlkit.comment("or DATABASE_URL to use PostgreSQL."))
    if plugins is not None:
        campaign.add("plugins", list(plugins))
    else:
        campaign.add(
            tomlkit.comment("plugins = [...] overrides the kit's list of enabled plugins.")
        )
    document.add("campaign", campaign)
    server = tomlkit.table()
    if public_url:
        server.add(tomlkit.comment("The site's address: every link in mail and feeds starts here."))
        server.add("public_url", public_url)
        server.add(tomlkit.comment("Requests for any other host name get 400."))
        server.add("allowed_hosts", hosts_for(public_url))
    server.add("trusted_proxy_hops", 0)
    document.add("server", server)
    document.add(tomlkit.nl())
    for line in OPTIONAL_SECTIONS.splitlines():
        document.add(tomlkit.comment(line))
    return tomlkit.dumps(document)


def init_instance(
    target: Path,
    kit: str = "uk",
    theme: str | None = None,
    name: str | None = None,
    database_url: str | None = None,
    plugins: Iterable[str] | None = None,
    public_url: str | None = None,
) -> Path:
    """Create an instance folder with a fresh secret key; the folder appears whole or not at all.

    A ``public_url`` is written with the ``allowed_hosts`` that match it (the
    ``init`` command always gives one); without it the defaults apply: links
    to http://127.0.0.1:5000 and any Host accepted.

    Raises ConfigError for an unknown kit or theme, a bad public URL, a
    non-empty target folder, or a folder that cannot be written.
    """
    target = Path(target).expanduser().resolve()
    if public_url is not None:
        try:
            public_url = check_public_url(public_url.strip())
        except ValueError as exc:
            raise ConfigError(f"public URL {exc}") from None
    loaded_kit = load_kit(kit, Path.cwd())
    if theme:
        load_theme_chain(theme, Path.cwd())
    else:
        load_theme_chain(loaded_kit.theme, loaded_kit.path)
    # A kit or theme given as a path is relative to here, not to the new folder.
    kit = str(loaded_kit.path) if is_path_ref(kit) else kit
    theme = str((Path.cwd() / theme).resolve()) if theme and is_path_ref(theme) else theme
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target} already exists and is not a folder")
    if target.exists() and any(target.iterdir()):
        raise ConfigError(f"{target} already exists and is not empty")
    created = first_missing_folder(target.parent)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        remove_created(created)
        raise ConfigError(f"cannot create {target}: {exc.strerror or exc}") from None
    try:
        text = render_config(
            name or "Our campaign",
            kit,
            theme,
            secrets.token_urlsafe(48),
            database_url,
            plugins,
            public_url,
        )
        (staging / CONFIG_FILE).write_text(text, encoding="utf-8")
        for folder in ("theme/templates", "theme/static", "media"):
            (staging / folder).mkdir(parents=True)
        (staging / "theme" / "README.txt").write_text(THEME_README, encoding="utf-8")
        os.chmod(staging, 0o700)  # holds the secret key and the database
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        remove_created(created)
        raise ConfigError(f"cannot create {target}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        remove_created(created)
        raise
    return target


def first_missing_folder(path: Path) -> Path | None:
    """The outermost folder of ``path`` that does not exist yet (None if it all exists).

    Removing it undoes whatever ``mkdir(parents=True)`` created on the way.
    """
    missing = None
    for folder in [path, *path.parents]:
        if folder.exists():
            break
        missing = folder
    return missing


def remove_created(folder: Path | None) -> None:
    """Remove a folder made by a failed init (from ``first_missing_folder``), if any."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def write_config_atomically(path: Path, text: str) -> None:
    """Replace a config file in one step, so a crash never leaves half a file.

    The new file keeps the old one's permissions (it holds the secret key).
    """
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def set_enabled_plugins(instance_dir: Path, plugins: list[str]) -> None:
    """Write the instance's enable list into ``campaign.toml``, keeping its comments."""
    path = Path(instance_dir) / CONFIG_FILE
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document.setdefault("campaign", tomlkit.table())
    document["campaign"]["plugins"] = plugins
    write_config_atomically(path, tomlkit.dumps(document))
