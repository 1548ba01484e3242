"""A test plugin with a misspelt hook name: start-up must stop and name the plugin."""

from campaignkit import hookimpl


@hookimpl
def campaignkit_nav_itmes(user):
    """Misspelt on purpose (``itmes``): no such hook exists."""
    return []
