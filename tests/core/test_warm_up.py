"""``campaignkit_warm_up``: each server worker loads what first requests would wait for."""

from __future__ import annotations

import logging

import pytest
from flask import current_app

from campaignkit import hookimpl
from campaignkit.core.production import CampaignKitServer, warm_up
from campaignkit.plugins.marginals.data import _tables_in


class Warming:
    """Notes which app it warmed up, inside that app's context."""

    def __init__(self):
        self.warmed = []

    @hookimpl
    def campaignkit_warm_up(self):
        self.warmed.append(current_app.name)


class Failing:
    """A plugin whose warm-up raises."""

    @hookimpl
    def campaignkit_warm_up(self):
        raise RuntimeError("the table file is missing")


def test_every_plugin_warms_up_in_an_app_context_and_a_failure_is_logged_and_skipped(
    make_app, caplog: pytest.LogCaptureFixture
):
    warming = Warming()
    app = make_app(extra_plugins=[("failing", Failing()), ("warming", warming)])
    with caplog.at_level(logging.ERROR, logger="campaignkit"):
        warm_up(app)
    assert warming.warmed == [app.name]
    failures = [r for r in caplog.records if "failing" in r.getMessage()]
    assert failures, [r.getMessage() for r in caplog.records]
    assert app.test_client().get("/healthz").status_code == 200


def test_a_server_worker_reads_the_kit_tables_before_its_first_request(app, instance):
    _tables_in.cache_clear()
    served = CampaignKitServer(instance, {"bind": "127.0.0.1:0", "workers": 1}).load()
    assert _tables_in.cache_info().currsize == 1  # read while the worker started
    served.extensions["campaignkit"].database.dispose()
