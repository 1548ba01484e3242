"""CSV import and export in the Bern Kit's layout (organiser page and command line), all or
nothing; and the submitter in personal-data export and erasure."""

from __future__ import annotations

import io
import json
import zipfile

from apps_helpers import PUBLIC_LINK

from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.plugins.apps.models import APPROVED, App

HEADER = "url,title,description,image,official,information,activism,voting,phonebank,communication,games\n"  # noqa: E501
GOOD = (
    HEADER
    + f"{PUBLIC_LINK},Phone buddy,Call voters together,https://151.101.1.69/p.png,0,0,0,0,1,1,0\n"
    + 'https://151.101.1.69/quiz,Seat quiz,"Quiz, with a comma",,0,0,0,1,0,0,yes\n'
)
BAD = (
    HEADER
    + f"{PUBLIC_LINK},Phone buddy,ok,,0,0,0,0,1,0,0\n"
    + "javascript:alert(1),Evil,,,0,0,0,0,1,0,0\n"
    + "https://151.101.1.69/x,No category,,,0,0,0,0,0,0,0\n"
    + "https://151.101.1.69/y,Bad flag,,,0,0,0,0,maybe,0,0\n"
    + "https://10.0.0.1/,Private,,,1,0,0,0,0,0,0\n"
)


def _upload(client, csrf_token, text: str | bytes):  # noqa: ANN001, ANN202
    raw = text if isinstance(text, bytes) else text.encode()
    data = {"csrf_token": csrf_token(client), "file": (io.BytesIO(raw), "apps.csv")}
    return client.post("/organise/apps/import", data=data, content_type="multipart/form-data")


def test_the_page_imports_a_good_file_and_exports_it_back(organiser, csrf_token, rows, client):  # noqa: ANN001
    assert _upload(organiser, csrf_token, GOOD).status_code == 303
    buddy, quiz = rows(App)
    assert (buddy.status, buddy.categories, buddy.image_url) == (
        APPROVED, "phonebank,communication", "https://151.101.1.69/p.png",
    )  # fmt: skip
    assert quiz.categories == "voting,games" and quiz.description == "Quiz, with a comma"
    exported = organiser.get("/organise/apps/export.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert exported.text.replace("yes", "1") == GOOD.replace(",yes", ",1")
    assert _upload(organiser, csrf_token, GOOD).status_code == 303  # again: updates, no copies
    assert len(rows(App)) == 2
    assert "Seat quiz" in client.get("/apps?category=games").text


def test_a_bad_file_saves_nothing_and_names_each_bad_line(organiser, csrf_token, rows):  # noqa: ANN001
    response = _upload(organiser, csrf_token, BAD)
    assert response.status_code == 400 and rows(App) == []
    page = response.text
    assert "Nothing was imported" in page
    assert "line 3: The link must be a full https:// address." in page
    assert "line 4: Please choose at least one category." in page
    assert "line 5: phonebank must be 1 or 0, not &#39;maybe&#39;" in page
    assert "line 6: The link cannot be used" in page and "line 2" not in page
    missing = _upload(organiser, csrf_token, "url,title\nhttps://151.101.1.69/,A\n")
    assert missing.status_code == 400 and "no column description, image, official" in missing.text
    latin1 = _upload(organiser, csrf_token, GOOD.replace("Call", "Caf\xe9").encode("latin-1"))
    assert latin1.status_code == 400 and "not UTF-8" in latin1.text and rows(App) == []


def test_the_commands_import_and_export(cli, tmp_path, rows):  # noqa: ANN001
    good, bad, out = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "out.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    refused = cli("apps", "import", str(bad))
    assert refused.exit_code == 1 and "nothing imported" in refused.output
    assert "line 4: Please choose at least one category." in refused.output
    done = cli("apps", "import", str(good))
    assert done.exit_code == 0 and "2 apps added, 0 updated" in done.output, done.output
    assert cli("apps", "export", str(out)).exit_code == 0
    assert out.read_text("utf-8") == GOOD.replace(",yes", ",1")
    assert len(rows(App)) == 2


def test_the_submitter_is_in_export_and_erasure(app, submit, rows):  # noqa: ANN001
    assert submit().status_code == 303
    with app.test_request_context():
        _subject, archive = export_person("sam@example.org", None, "test")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        exported = json.loads(opened.read("apps.json"))
    assert exported["apps_submitted"][0]["url"] == PUBLIC_LINK
    with app.test_request_context():
        assert erase_person("sam@example.org", "cli")["apps"] == 1
    assert rows(App)[0].submitted_by is None


def test_the_export_defuses_spreadsheet_formulas(organiser, csrf_token):  # noqa: ANN001
    formula = (
        HEADER + f'{PUBLIC_LINK},"=HYPERLINK(""https://evil.example"")",@SUM(A1),,1,0,0,0,0,0,0\n'
    )
    assert _upload(organiser, csrf_token, formula).status_code == 303
    exported = organiser.get("/organise/apps/export.csv").text
    assert f'{PUBLIC_LINK},"\'=HYPERLINK(""https://evil.example"")",\'@SUM(A1),,1,' in exported
