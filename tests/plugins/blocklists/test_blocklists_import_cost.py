"""The atproto SDK (over a second to import) loads only when Bluesky is really used:
not when a worker or a command builds the UK kit's app, which has the blocklists plugin."""

from __future__ import annotations

import subprocess
import sys

from campaignkit.testing import isolated_environ

CHECK = """
import sys, tempfile
from pathlib import Path
from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
with tempfile.TemporaryDirectory() as folder:
    create_app(init_instance(Path(folder) / "site", kit="uk", name="Import cost"))
assert "campaignkit.plugins.blocklists.platforms.bluesky" in sys.modules
loaded = sorted(name for name in sys.modules if name.startswith(("atproto", "atproto_client")))
print(",".join(loaded) or "none")
"""


def test_loading_the_plugin_does_not_import_the_bluesky_sdk():
    found = subprocess.run(
        [sys.executable, "-c", CHECK],
        capture_output=True,
        text=True,
        timeout=120,
        env=isolated_environ(),
        check=True,
    )
    assert found.stdout.strip() == "none", found.stdout
