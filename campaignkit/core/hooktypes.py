"""The values hooks take and return: nav items, share targets, places, seats, data subjects.

Plain frozen dataclasses with no dependencies on the rest of core, so
``hookspecs`` can name them without importing the modules that call the
hooks. Plugins import them from ``campaignkit.core``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from campaignkit.core.records import normalise_email

#: Nav items ordered in this range are organisers' tools: they share one "Organise" menu
#: (a ``<details>`` that stays folded on a phone) instead of crowding the main nav.
ORGANISER_ORDERS = range(800, 990)


@dataclass(frozen=True)
class NavItem:
    """A link in the site navigation; lower ``order`` comes first (800-989: organisers' tools)."""

    label: str
    url: str
    order: int = 100

    @property
    def organiser(self) -> bool:
        """Whether the item goes in the "Organise" menu (its order is 800-989)."""
        return self.order in ORGANISER_ORDERS


@dataclass(frozen=True)
class ShareTarget:
    """One way to share a link: a label, the URL that shares it, and a short key for styling."""

    key: str
    label: str
    href: str


@dataclass(frozen=True)
class SeatRef:
    """An electoral area (a constituency or district): its code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class Place:
    """A position found for a query, with how precise it is and the seat(s) it lies in.

    ``seat`` is the seat the position lies in (or the one most of an area's
    postcodes lie in); ``other_seats`` lists further seats an area touches,
    so a page can say the answer is approximate. ``timezone`` is the local
    time zone when the geocoder knows it (events there default to it).
    """

    query: str
    label: str
    lat: float
    lon: float
    precision: str
    seat: SeatRef | None = None
    other_seats: tuple[SeatRef, ...] = field(default_factory=tuple)
    note: str = ""
    timezone: str = ""

    @property
    def spans_several_seats(self) -> bool:
        """True when the place is an area that reaches into more than one seat."""
        return bool(self.other_seats)


@dataclass(frozen=True)
class DataSubject:
    """A person whose data is exported or erased.

    ``email`` is normalised (trimmed, lower-case); ``user_id`` is their
    account's id, or None when they have no account (someone who only signed
    a pledge, say). Plugins find the person's rows by either.
    """

    email: str
    user_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", normalise_email(self.email))
