"""A test plugin that marks where it runs in the ``home_main`` slot (see slot_alpha)."""

from campaignkit import hookimpl


@hookimpl
def campaignkit_template_slots(slot, context):
    """Adds ``[beta]`` so tests can see the order plugins ran in."""
    return "<i>[beta]</i>" if slot == "home_main" else None
