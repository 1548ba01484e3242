"""``campaignkit check``: everything that can be wrong with an instance, in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError
from sqlalchemy.exc import SQLAlchemyError

from campaignkit.core.app import create_app
from campaignkit.core.capabilities import missing_providers
from campaignkit.core.config import ConfigError
from campaignkit.core.instance import load_instance
from campaignkit.core.kit_theme import COLOUR_KEYS, contrast_problems, kit_template_problems
from campaignkit.core.migrate import pending
from campaignkit.core.registry import PluginError
from campaignkit.core.state import app_state, current_database
from campaignkit.core.urls import host_check_warning

#: (ok, message): True is fine, False is a problem, None a warning (check still passes).
Finding = tuple[bool | None, str]


def _one_line(exc: SQLAlchemyError) -> str:
    """The driver's message for a database error, on one line."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def _template_findings(app) -> Iterator[Finding]:  # noqa: ANN001 - Flask
    """Compile every template file on the search path once, shadowed ones included."""
    # Every file is reachable as "<prefix>:<name>"; unprefixed names are the same files again.
    names = app.jinja_env.list_templates(
        filter_func=lambda n: ":" in n and n.endswith((".html", ".txt", ".xml", ".svg"))
    )
    broken = 0
    for name in names:
        try:
            app.jinja_env.get_template(name)
        except TemplateSyntaxError as exc:
            broken += 1
            yield False, f"template {exc.filename or name}, line {exc.lineno}: {exc.message}"
        except TemplateError as exc:
            broken += 1
            yield False, f"template {name}: {exc}"
    if not broken:
        yield True, f"{len(names)} templates compile"


def _look_findings(app) -> Iterator[Finding]:  # noqa: ANN001 - Flask
    """The theme's colours (the kit's laid over the theme's) and the kit's own templates."""
    instance = app_state(app).instance
    colours: dict[str, str] = {}
    for theme in reversed(instance.theme_chain):
        colours.update(theme.colours)
    colours.update({k: v for k, v in instance.kit.style.items() if k in COLOUR_KEYS})
    problems = contrast_problems(colours)
    yield from ((False, problem) for problem in problems)
    if not problems:
        yield True, "theme colours have enough contrast (WCAG AA, 4.5:1)"
    for problem in kit_template_problems(instance.kit.path, app.jinja_env):
        yield (None if "replaces no template" in problem else False), problem


def _database_findings(app) -> Iterator[Finding]:  # noqa: ANN001 - Flask
    state = app_state(app)
    try:
        behind = pending(state.database, state.branches(), state.instance.enabled)
    except PluginError as exc:  # a plugin's migrations are broken
        yield False, str(exc)
        return
    except SQLAlchemyError as exc:
        where = state.database.engine.url.render_as_string(hide_password=True)
        yield False, f"database {where} cannot be read: {_one_line(exc)}"
        return
    if behind:
        yield False, f"database needs 'campaignkit db upgrade' for: {', '.join(behind)}"
    else:
        yield True, f"database ({state.database.engine.dialect.name}) is up to date"


def run_checks(instance_dir: Path) -> Iterator[Finding]:
    """Yield (ok, message) for each thing checked; stops early when nothing more can be checked."""
    try:
        instance = load_instance(instance_dir)
    except (ConfigError, PluginError) as exc:
        yield False, str(exc)
        return
    yield True, f"config {instance.path / 'campaign.toml'} is valid"
    yield True, f"kit '{instance.kit.name}', theme '{instance.theme_chain[0].name}'"
    yield True, f"plugins enabled: {', '.join(instance.enabled) or 'none'}"
    server = instance.config.server
    warning = host_check_warning(server.public_url, server.allowed_hosts)
    yield (None, warning) if warning else (True, f"public URL {server.public_url}")
    missing = missing_providers(instance.manager, instance.kit.name, instance.kit.needs)
    yield from ((False, line) for line in missing)
    try:
        app = create_app(instance_dir)
    except (ConfigError, PluginError) as exc:
        yield False, str(exc)
        return
    except SQLAlchemyError as exc:
        yield False, f"database cannot be opened: {_one_line(exc)}"
        return
    yield from _template_findings(app)
    yield from _look_findings(app)
    yield from _database_findings(app)
    current_database(app).dispose()
