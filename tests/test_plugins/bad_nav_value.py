"""A test plugin whose contributions are unusable values rather than exceptions."""

from campaignkit import hookimpl
from campaignkit.core import NavItem


@hookimpl
def campaignkit_nav_items(user):
    """A generator that yields one good link and then fails part-way."""
    yield NavItem("Half link", "/half", order=60)
    raise RuntimeError("bad_nav_value: generator fails on purpose")


@hookimpl
def campaignkit_template_slots(slot, context):
    """Not a string: must be left out of the page, not printed."""
    if slot == "home_main":
        return ["not", "html"]
    return None
