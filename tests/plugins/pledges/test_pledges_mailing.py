"""Emailing every confirmed signer: a background job over real SMTP, with a working unsubscribe."""

from __future__ import annotations

from pledges_helpers import confirm_by_mail, sign_form

from campaignkit.plugins.pledges.models import Signature


def test_mail_goes_to_confirmed_signers_who_can_unsubscribe(
    app,
    client,
    make_user,
    login,
    csrf_token,
    add_pledge,
    rows,
    mailbox,
    immediate_jobs,  # noqa: ANN001
):
    pledge = add_pledge()
    signer = app.test_client()
    for email in ("ann@example.org", "bob@example.org"):
        data = {**sign_form(email=email), "csrf_token": csrf_token(signer)}
        signer.post(f"/pledges/{pledge.slug}/sign", data=data)
    confirm_by_mail(signer, mailbox, "ann@example.org", csrf_token)  # Bob never confirms

    login(client, make_user("org@example.org", role="organiser"))
    message = {"subject": "We did it", "body": "Thank you all.", "csrf_token": csrf_token(client)}
    started = client.post(f"/organise/pledges/{pledge.id}/mail", data=message)
    assert started.status_code == 303 and "/jobs/" in started.location
    (mail,) = [m for m in mailbox.to("ann@example.org") if m["Subject"] == "We did it"]
    assert not [m for m in mailbox.to("bob@example.org") if m["Subject"] == "We did it"]
    assert "Thank you all." in mail.get_content()

    path = "/" + mailbox.last_link("ann@example.org").split("/", 3)[3]
    assert "unsubscribe" in path and signer.get(path).status_code == 200
    stop = signer.post(path, data={"csrf_token": csrf_token(signer)})
    assert stop.status_code == 303
    assert [s.unsubscribed for s in rows(Signature, email="ann@example.org")] == [True]
    message["csrf_token"] = csrf_token(client)
    client.post(f"/organise/pledges/{pledge.id}/mail", data=message)
    assert len([m for m in mailbox.to("ann@example.org") if m["Subject"] == "We did it"]) == 1
