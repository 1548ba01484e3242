"""The hooks the pledges plugin offers to other plugins, declared and documented once.

The plugin adds them through ``campaignkit_addhooks`` when it is registered,
so they exist only where pledges is enabled; ``docs/hooks.md`` lists them
under "Pledges plugin". A plugin that implements them but should also load
without pledges marks its implementations ``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaignkit import hookspec

if TYPE_CHECKING:
    from campaignkit.core import Place
    from campaignkit.plugins.pledges.models import Pledge, Signature


# ---------------------------------------------------------------- pledges plugin


@hookspec
def campaignkit_pledge_signed(pledge: Pledge, signature: Signature) -> None:
    """React to a new signature on a pledge.

    Called after the signature is committed, once per address and pledge
    (signing again with the same address does not call it). ``signature``
    may still await its email confirmation (``confirmed_at`` is None). Read
    the rows, do not change them. A plugin that raises is logged and
    skipped, so one plugin cannot stop a signature.
    """


@hookspec
def campaignkit_pledge_next_steps(
    pledge: Pledge, signature: Signature, place: Place | None
) -> str | None:
    """Offer a next step on the page shown after signing a pledge; return HTML or None.

    Called while the thank-you page renders, with the pledge, the visitor's
    signature and ``place`` (the signer's Place when known, else None; the
    signature's ``postcode`` and ``seat`` are there too). Return a small
    HTML fragment (escape what you interpolate, e.g. with ``markupsafe``),
    such as the nearest target seat and its election-day events. A plugin
    that raises is logged and skipped.
    """
