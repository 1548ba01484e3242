"""US ZIP codes: the US kit's geocoder, which has no ZIP data yet.

Until ZIP code centroids ship with the US kit, a ZIP code gets a plain
answer that ZIP lookups are not set up on this site, rather than a message
that blames what the person typed. Anything else is left to other
geocoders (it returns None). No settings.
"""

from __future__ import annotations

import re

from campaignkit import hookimpl
from campaignkit.core import GeocodeError

#: Five digits, optionally ZIP+4 (``10001``, ``10001-1234``).
ZIP_CODE = re.compile(r"^\d{5}(?:-?\d{4})?$")


@hookimpl
def campaignkit_geocode(query):
    """Say plainly that ZIP lookups are not set up yet; None for anything that is not a ZIP."""
    text = "".join(query.split())
    if not ZIP_CODE.match(text):
        return None
    raise GeocodeError(
        f"Looking up ZIP codes is not set up on this site yet, so we cannot find {text}. "
        "Please try again later.",
        kind="not-covered",
    )
