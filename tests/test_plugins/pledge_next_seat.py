"""A test plugin offering a next step after signing a pledge that names the seat it was given."""

from markupsafe import escape

from campaignkit import hookimpl


@hookimpl
def campaignkit_pledge_next_steps(pledge, signature, place):
    """Say which seat ``place`` lies in, or that there was no place."""
    if place is None:
        return '<p class="next-seat">no place</p>'
    seat = place.seat
    return f'<p class="next-seat">{escape(seat.code)} {escape(seat.name)}</p>'
