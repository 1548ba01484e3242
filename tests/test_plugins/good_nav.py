"""A well-behaved test plugin: one navigation link and a paragraph in the home page's main slot."""

from campaignkit import hookimpl
from campaignkit.core import NavItem


@hookimpl
def campaignkit_nav_items(user):
    """A link that must still appear when another plugin's link fails."""
    return [NavItem("Good link", "/good-link", order=50)]


@hookimpl
def campaignkit_template_slots(slot, context):
    """A marker paragraph in ``home_main``."""
    if slot == "home_main":
        return '<p class="good-slot">good_nav slot</p>'
    return None
