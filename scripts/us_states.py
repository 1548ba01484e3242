"""The US states (plus DC and Puerto Rico) the US kit knows: names, seats, time zones, tile cells.

``STATES[code] = (name, FIPS code, House seats from the 2020 apportionment (0:
a non-voting delegate), default time zone, tile-map column, tile-map row)``.
The tile grid is the familiar one-square-per-state layout, north at the top.
Read by ``build_us_kit_data.py``, which writes it into the kit's ``states.csv``.
"""

from __future__ import annotations

E, C, M, P = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"

STATES: dict[str, tuple[str, str, int, str, int, int]] = {
    "AK": ("Alaska", "02", 1, "America/Anchorage", 0, 0),
    "ME": ("Maine", "23", 2, E, 10, 0),
    "VT": ("Vermont", "50", 1, E, 9, 1),
    "NH": ("New Hampshire", "33", 2, E, 10, 1),
    "WA": ("Washington", "53", 10, P, 0, 2),
    "ID": ("Idaho", "16", 2, "America/Boise", 1, 2),
    "MT": ("Montana", "30", 2, M, 2, 2),
    "ND": ("North Dakota", "38", 1, C, 3, 2),
    "MN": ("Minnesota", "27", 8, C, 4, 2),
    "IL": ("Illinois", "17", 17, C, 5, 2),
    "WI": ("Wisconsin", "55", 8, C, 6, 2),
    "MI": ("Michigan", "26", 13, "America/Detroit", 7, 2),
    "NY": ("New York", "36", 26, E, 8, 2),
    "RI": ("Rhode Island", "44", 2, E, 9, 2),
    "MA": ("Massachusetts", "25", 9, E, 10, 2),
    "OR": ("Oregon", "41", 6, P, 0, 3),
    "NV": ("Nevada", "32", 4, P, 1, 3),
    "WY": ("Wyoming", "56", 1, M, 2, 3),
    "SD": ("South Dakota", "46", 1, C, 3, 3),
    "IA": ("Iowa", "19", 4, C, 4, 3),
    "IN": ("Indiana", "18", 9, "America/Indiana/Indianapolis", 5, 3),
    "OH": ("Ohio", "39", 15, E, 6, 3),
    "PA": ("Pennsylvania", "42", 17, E, 7, 3),
    "NJ": ("New Jersey", "34", 12, E, 8, 3),
    "CT": ("Connecticut", "09", 5, E, 9, 3),
    "CA": ("California", "06", 52, P, 0, 4),
    "UT": ("Utah", "49", 4, M, 1, 4),
    "CO": ("Colorado", "08", 8, M, 2, 4),
    "NE": ("Nebraska", "31", 3, C, 3, 4),
    "MO": ("Missouri", "29", 8, C, 4, 4),
    "KY": ("Kentucky", "21", 6, E, 5, 4),
    "WV": ("West Virginia", "54", 2, E, 6, 4),
    "VA": ("Virginia", "51", 11, E, 7, 4),
    "MD": ("Maryland", "24", 8, E, 8, 4),
    "DE": ("Delaware", "10", 1, E, 9, 4),
    "AZ": ("Arizona", "04", 9, "America/Phoenix", 1, 5),
    "NM": ("New Mexico", "35", 3, M, 2, 5),
    "KS": ("Kansas", "20", 4, C, 3, 5),
    "AR": ("Arkansas", "05", 4, C, 4, 5),
    "TN": ("Tennessee", "47", 9, C, 5, 5),
    "NC": ("North Carolina", "37", 14, E, 6, 5),
    "SC": ("South Carolina", "45", 7, E, 7, 5),
    "DC": ("District of Columbia", "11", 0, E, 8, 5),
    "OK": ("Oklahoma", "40", 5, C, 3, 6),
    "LA": ("Louisiana", "22", 6, C, 4, 6),
    "MS": ("Mississippi", "28", 4, C, 5, 6),
    "AL": ("Alabama", "01", 7, C, 6, 6),
    "GA": ("Georgia", "13", 14, E, 7, 6),
    "HI": ("Hawaii", "15", 2, "Pacific/Honolulu", 0, 7),
    "TX": ("Texas", "48", 38, C, 3, 7),
    "FL": ("Florida", "12", 28, E, 8, 7),
    "PR": ("Puerto Rico", "72", 0, "America/Puerto_Rico", 10, 7),
}

#: Territories whose delegates cannot vote and which the kit has no districts for.
TERRITORIES = {
    "VI": "the U.S. Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "the Northern Mariana Islands",
}
#: ZIP code areas of those territories (the source gives them no state or district).
TERRITORY_ZIPS = {
    **{z: "VI" for z in ("00802", "00820", "00830", "00840", "00850", "00851")},
    "96799": "AS",
    **{z: "GU" for z in ("96910", "96913", "96915", "96916", "96917", "96928", "96929")},
    **{z: "MP" for z in ("96950", "96951", "96952")},
}


def zone_at(state: str, lat: float, lon: float) -> str:
    """The time zone at a position in a state: its default, or the other zone where it is split.

    A coarse rule per split state (enough for a district's approximate
    position, not for every ZIP near a zone line).
    """
    rules = {
        "FL": lon < -85.0 and C,
        "TN": lon > -85.5 and E,
        "KY": lon < -86.0 and C,
        "IN": lon < -86.8 and (lat > 41.0 or lat < 38.8) and C,
        "MI": lon < -87.5 and lat > 45.5 and C,
        "TX": lon < -104.5 and M,
        "ND": lon < -101.5 and lat < 46.5 and M,
        "SD": lon < -100.5 and M,
        "NE": lon < -101.0 and M,
        "KS": lon < -101.5 and M,
        "ID": lat > 45.5 and P,
        "OR": lon > -117.9 and "America/Boise",
        "AK": lon < -169.0 and "America/Adak",
    }
    return rules.get(state) or STATES[state][3]
