"""``campaignkit blocklists create`` and ``import``."""

from __future__ import annotations

from pathlib import Path

from campaignkit.plugins.blocklists.models import BlockList, Entry


def test_create_then_import_with_a_progress_bar(cli, rows, tmp_path: Path):  # noqa: ANN001
    made = cli("blocklists", "create", "trolls", "--title", "Known trolls", "--private")
    assert made.exit_code == 0, made.output
    assert "/blocklists/trolls" in made.output
    again = cli("blocklists", "create", "trolls", "--title", "Again")
    assert again.exit_code != 0 and "exists already" in again.output
    bad_slug = cli("blocklists", "create", "Not A Slug", "--title", "X")
    assert bad_slug.exit_code != 0 and "lower-case" in bad_slug.output
    (stored,) = rows(BlockList)
    assert stored.private and stored.title == "Known trolls"

    export = tmp_path / "blocktogether.csv"
    export.write_text("".join(f"{1000 + i}\n" for i in range(30)), "utf-8")
    done = cli("blocklists", "import", "trolls", str(export))
    assert done.exit_code == 0, done.output
    assert "Importing" in done.output and "30 added" in done.output
    dids = tmp_path / "dids.csv"
    dids.write_text("handle\nsomeone.bsky.social\n", "utf-8")
    bluesky = cli("blocklists", "import", "trolls", str(dids), "--platform", "bluesky")
    assert bluesky.exit_code == 0 and "1 waiting for handle lookup" in bluesky.output
    assert len(rows(Entry)) == 31


def test_import_refuses_bad_input(cli, rows, tmp_path: Path):  # noqa: ANN001
    cli("blocklists", "create", "trolls", "--title", "Known trolls")
    bad = tmp_path / "bad.csv"
    bad.write_text("platform,id\nx,1\nfacebook,2\n", "utf-8")
    refused = cli("blocklists", "import", "trolls", str(bad))
    assert refused.exit_code != 0 and "line 3: Unknown platform 'facebook'" in refused.output
    missing = cli("blocklists", "import", "nope", str(bad))
    assert missing.exit_code != 0 and "no list called 'nope'" in missing.output
    platform = cli("blocklists", "import", "trolls", str(bad), "--platform", "myspace")
    assert platform.exit_code != 0 and "myspace" in platform.output
    assert rows(Entry) == []
