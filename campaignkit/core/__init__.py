"""The public API of campaignkit's core: what a plugin may import.

Plugins import from ``campaignkit.core`` (and ``campaignkit.hookimpl``) only,
never from its submodules and never from each other; import-linter contracts
in the test suite hold them to it.
"""

from flask_login import current_user

from campaignkit.core.apispec import (
    Latitude,
    Longitude,
    api_operation,
    query_day,
    query_decimal,
    query_whole,
)
from campaignkit.core.auth.access import (
    access_rule,
    current_member_approved,
    has_permission,
    members_only,
    require_permission,
    signin_required,
)
from campaignkit.core.auth.accounts import find_user, load_user, set_role
from campaignkit.core.auth.roles import ROLES
from campaignkit.core.changes import changed, changed_after_commit, fresh, version
from campaignkit.core.charts import bar_chart_svg, cumulative, line_chart_svg
from campaignkit.core.cli_support import instance_app
from campaignkit.core.config import ConfigError, RateText
from campaignkit.core.db import Model, insert_unless_exists, prepared_insert_unless_exists
from campaignkit.core.driver import DriverWrite, Prepared, PreparedInsert
from campaignkit.core.emails import EmailInvalid, clean_email, is_email
from campaignkit.core.errors import error_response
from campaignkit.core.events.host import hosting_open_to
from campaignkit.core.events.mapview import place_map
from campaignkit.core.events.queries import upcoming_events_by_seat, upcoming_events_in_seats
from campaignkit.core.flags import flag_enabled, flag_required
from campaignkit.core.geo import GeocodeError, clear_place_cache, geocode, seat_at
from campaignkit.core.hooktypes import DataSubject, NavItem, Place, SeatRef, ShareTarget
from campaignkit.core.inputs import (
    clean_text,
    in_memory_uploads,
    max_length,
    one_line,
    streamed_uploads,
)
from campaignkit.core.jobs import JobHandle, Progress, enqueue_job, job
from campaignkit.core.mail import MailError, send_mail
from campaignkit.core.outbound import (
    OutboundRefused,
    checked_base_url,
    checked_url,
    guarded_get,
    guarded_session,
    is_public_address,
    resolved_addresses,
)
from campaignkit.core.parsing import (
    ParseError,
    form_int,
    in_zone,
    parse_day,
    parse_float,
    parse_int,
    query_int,
)
from campaignkit.core.pictures import PICTURE_MAX_BYTES, PictureError, clean_picture
from campaignkit.core.ratelimit import DeferredHit, count_hits, deferred_hit, rate_limited
from campaignkit.core.records import (
    ConsentRecord,
    consent_parameters,
    consents_insert,
    consents_of,
    log_export,
    record_consent,
    record_consents,
)
from campaignkit.core.registry import PluginError
from campaignkit.core.security import allow_form_targets, allow_framing
from campaignkit.core.session import db_session, driver_write, read_session, write_session
from campaignkit.core.settings import (
    campaign_name,
    kit,
    plugin_settings,
    public_url,
    public_url_context,
)
from campaignkit.core.signed_cookies import read_signed_cookie, set_signed_cookie
from campaignkit.core.state import app_store, call_plugins, plugins_implement
from campaignkit.core.units import (
    distance_text,
    distance_unit,
    km_to_unit,
    postcode_label,
    unit_name,
    unit_to_km,
)
from campaignkit.core.urls import public_url_for

__all__ = [
    "ConfigError",
    "ConsentRecord",
    "DataSubject",
    "DeferredHit",
    "DriverWrite",
    "EmailInvalid",
    "GeocodeError",
    "JobHandle",
    "Latitude",
    "Longitude",
    "MailError",
    "Model",
    "OutboundRefused",
    "NavItem",
    "ParseError",
    "PICTURE_MAX_BYTES",
    "PictureError",
    "Place",
    "PluginError",
    "Prepared",
    "PreparedInsert",
    "Progress",
    "ROLES",
    "SeatRef",
    "ShareTarget",
    "access_rule",
    "allow_form_targets",
    "allow_framing",
    "api_operation",
    "app_store",
    "bar_chart_svg",
    "call_plugins",
    "campaign_name",
    "changed",
    "changed_after_commit",
    "checked_base_url",
    "checked_url",
    "clean_email",
    "clean_picture",
    "clean_text",
    "clear_place_cache",
    "consent_parameters",
    "consents_insert",
    "consents_of",
    "count_hits",
    "cumulative",
    "current_member_approved",
    "current_user",
    "distance_text",
    "distance_unit",
    "driver_write",
    "find_user",
    "flag_enabled",
    "flag_required",
    "form_int",
    "fresh",
    "db_session",
    "deferred_hit",
    "enqueue_job",
    "error_response",
    "geocode",
    "guarded_get",
    "guarded_session",
    "has_permission",
    "hosting_open_to",
    "in_memory_uploads",
    "in_zone",
    "insert_unless_exists",
    "is_email",
    "is_public_address",
    "instance_app",
    "job",
    "kit",
    "km_to_unit",
    "line_chart_svg",
    "load_user",
    "log_export",
    "max_length",
    "members_only",
    "one_line",
    "parse_day",
    "parse_float",
    "parse_int",
    "place_map",
    "plugin_settings",
    "plugins_implement",
    "postcode_label",
    "prepared_insert_unless_exists",
    "public_url",
    "public_url_context",
    "public_url_for",
    "query_day",
    "query_decimal",
    "query_int",
    "query_whole",
    "rate_limited",
    "RateText",
    "read_session",
    "read_signed_cookie",
    "record_consent",
    "record_consents",
    "resolved_addresses",
    "require_permission",
    "seat_at",
    "send_mail",
    "set_role",
    "set_signed_cookie",
    "signin_required",
    "streamed_uploads",
    "unit_name",
    "unit_to_km",
    "upcoming_events_by_seat",
    "upcoming_events_in_seats",
    "version",
    "write_session",
]
