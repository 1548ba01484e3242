"""A test plugin whose nav item and template slot contributions always raise."""

from campaignkit import hookimpl


@hookimpl
def campaignkit_nav_items(user):
    """Fails while building its navigation link."""
    raise RuntimeError("raising_nav: nav item fails on purpose")


@hookimpl
def campaignkit_template_slots(slot, context):
    """Fails while filling any slot."""
    raise RuntimeError(f"raising_nav: slot {slot} fails on purpose")
