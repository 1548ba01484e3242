"""Shared steps of the cascade tests."""

from __future__ import annotations

import re

CODE_IN_PAGE = re.compile(r'action="/c/([^/"]+)/forward"')


def own_code(page: str) -> str:
    """The opener's own code, read from the forward forms on the page."""
    found = CODE_IN_PAGE.search(page)
    assert found, "no forward form on the page"
    return found.group(1)
