"""Template set-up: the ordered loader, autoescape everywhere, and the globals templates use."""

from __future__ import annotations

from flask import Flask, url_for
from jinja2 import pass_context
from markupsafe import Markup

from campaignkit import __version__
from campaignkit.core.instance import Instance
from campaignkit.core.pages import nav_items, render_slot
from campaignkit.core.share import share_targets
from campaignkit.core.state import current_instance
from campaignkit.core.units import distance_text, km_to_unit, postcode_label, unit_name


@pass_context
def _slot(context, name: str) -> Markup:  # noqa: ANN001 - jinja2 Context
    return render_slot(name, dict(context))


def stylesheets(instance: Instance) -> list[str]:
    """Static paths of the theme stylesheets, the base theme first, then the instance's own."""
    paths = []
    for theme in reversed(instance.theme_chain):
        if (theme.path / "static" / "themes" / f"{theme.name}.css").is_file():
            paths.append(f"themes/{theme.name}.css")
    if (instance.path / "theme" / "static" / "custom.css").is_file():
        paths.append("custom.css")
    return paths


def _site() -> dict:
    instance = current_instance()
    return {
        "name": instance.config.campaign.name,
        "kit": instance.kit,
        "theme": instance.theme_chain[0],
        "stylesheets": [url_for("core.static", filename=p) for p in stylesheets(instance)],
        "version": __version__,
        "logo": _logo_url(instance),
    }


def _logo_url(instance: Instance) -> str | None:
    """The address of the kit's logo (``kit.toml [theme] logo``), if it has one."""
    logo = instance.kit.style.get("logo")
    return url_for("core.static", filename=logo) if logo else None


def configure(app: Flask, instance: Instance) -> None:
    """Resolve templates through the instance's search path, autoescaping every template."""
    app.jinja_options = {
        **app.jinja_options,
        "loader": instance.search_path.loader(),
        "autoescape": True,
    }
    app.jinja_env.globals.update(slot=_slot, nav_items=nav_items, share_targets=share_targets)
    app.jinja_env.globals.update(
        distance_text=distance_text, unit_name=unit_name, km_to_unit=km_to_unit,
        postcode_label=postcode_label,
    )  # fmt: skip
    app.context_processor(lambda: {"site": _site()})
