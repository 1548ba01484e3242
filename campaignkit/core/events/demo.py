"""Sample events for the demo instance: canvasses, phone banks and socials all over Great Britain.

Places come from ``demo_events.csv`` in the instance's kit (falling back to
the UK kit's): one postcode district per constituency with its position and
seat, so the demo needs no geocoder plugin.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from campaignkit.core.state import current_instance

SAMPLE_FILE = "demo_events.csv"
UK_KIT_DATA = Path(__file__).resolve().parents[2] / "kits" / "uk" / "data"

#: (type, weight, title patterns, start hours, length hours, capacity choices)
KINDS = (
    ("canvass", 55, ("Door knocking in {seat}", "Weekend canvass: {seat}", "Canvass {district}"),
     (10, 11, 14, 17), 3, (8, 10, 12, 15, 20, None)),
    ("phonebank", 20, ("Phone bank for {seat}", "Evening calls: {region}"),
     (18, 19), 2, (10, 20, 30, None)),
    ("training", 10, ("New canvasser training ({district})", "Data entry training: {region}"),
     (10, 18), 2, (12, 20, 25)),
    ("social", 15, ("Volunteers' social, {seat}", "Pizza and planning in {district}"),
     (19, 20), 3, (None, 30, 40)),
)  # fmt: skip
DESCRIPTIONS = {
    "canvass": "We'll meet at the venue, pair up new volunteers with experienced ones and "
    "spend a couple of hours talking to voters. Wear comfortable shoes.",
    "phonebank": "Bring a charged phone and headphones. Scripts and training on the night.",
    "training": "Everything you need to get started, from what to say on the doorstep to "
    "staying safe. No experience needed.",
    "social": "Meet other volunteers, hear how the campaign is going and plan the next weeks.",
}
VENUES = ("Community Centre", "Library", "Methodist Hall", "Café", "Village Hall", "Pub")
CHATS = ("https://chat.whatsapp.com/", "https://t.me/+")


def places() -> list[dict[str, str]]:
    """The sample places: the kit's file if it has one, else the UK kit's."""
    kit_path = current_instance().kit.data_dir / SAMPLE_FILE
    path = kit_path if kit_path.is_file() else UK_KIT_DATA / SAMPLE_FILE
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def demo_rows(count: int, seed: int = 2026) -> Iterator[dict[str, str]]:
    """``count`` sample events as import rows, over the next eight weeks."""
    rng = random.Random(seed)
    spots = places()
    today = date.today()
    for _ in range(count):
        spot = rng.choice(spots)
        kind, _w, titles, hours, length, capacities = rng.choices(
            KINDS, weights=[k[1] for k in KINDS]
        )[0]
        day = today + timedelta(days=rng.randint(1, 56))
        start = rng.choice(hours)
        capacity = rng.choice(capacities)
        names = {"seat": spot["seat_name"], "district": spot["district"], "region": spot["region"]}
        chat = rng.choice(CHATS) + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=22))
        yield {
            "type": kind,
            "title": rng.choice(titles).format(**names),
            "description": DESCRIPTIONS[kind],
            "date": day.isoformat(),
            "start": f"{start:02d}:00",
            "end": f"{start + length:02d}:00",
            "timezone": "Europe/London",
            "venue": f"{spot['district']} {rng.choice(VENUES)}",
            "postcode": spot["district"],
            "capacity": "" if capacity is None else str(capacity),
            "chat_url": chat if rng.random() < 0.6 else "",
            "accessibility": rng.choice(("Step-free access.", "Ground floor, accessible loo.", "")),
            "lat": spot["lat"],
            "lon": spot["lon"],
            "seat_code": spot["seat_code"],
            "seat_name": spot["seat_name"],
        }
