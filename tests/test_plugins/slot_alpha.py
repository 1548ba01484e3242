"""A test plugin that marks where it runs in the ``home_main`` slot (see slot_beta)."""

from campaignkit import hookimpl


@hookimpl
def campaignkit_template_slots(slot, context):
    """Adds ``[alpha]`` so tests can see the order plugins ran in."""
    return "<i>[alpha]</i>" if slot == "home_main" else None
