"""Phone bank: volunteers call contacts from their own phones, one at a time, under a lease.

Organisers (``phonebank.manage``) import call lists from CSV (each list
records its lawful basis), the do-not-call list and TPS/CTPS/DNC status,
build campaigns (a list, a script and survey questions) and watch progress.
Approved volunteers (``phonebank.call``) press "next call" and get one
contact under a lease, within the contact's own calling hours. Settings
(``[plugins.phonebank]``)::

    lease_minutes = 10        # an abandoned call goes back on the list after this
    calling_starts = "09:00"  # calling hours, in each contact's own time zone
    calling_ends = "21:00"    # "24:00" is the end of the day
    retry_minutes = 120       # a call with no answer comes back after this
    max_attempts = 3          # calls with no answer before a contact is left alone
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from campaignkit import hookimpl
from campaignkit.core import NavItem, has_permission
from campaignkit.plugins.phonebank import admin, campaigns, personal_data, views

CLOCK = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


class PhonebankSettings(BaseModel):
    """``[plugins.phonebank]`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lease_minutes: int = Field(default=10, ge=1, le=240)
    calling_starts: str = Field(default="09:00", pattern=CLOCK)
    calling_ends: str = Field(default="21:00", pattern=CLOCK)
    retry_minutes: int = Field(default=120, ge=1, le=10080)
    max_attempts: int = Field(default=3, ge=1, le=20)

    @model_validator(mode="after")
    def _hours_in_order(self) -> PhonebankSettings:
        if self.calling_starts >= self.calling_ends:
            raise ValueError("calling_starts must be earlier in the day than calling_ends")
        return self


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings."""
    return PhonebankSettings


@hookimpl
def campaignkit_blueprints():
    """The volunteers' calling pages and the organisers' pages."""
    return [views.bp, admin.bp, campaigns.bp]


@hookimpl
def campaignkit_nav_items(user):
    """ "Phone bank" for volunteers, "Call lists" for organisers."""
    items = []
    if has_permission(user, "phonebank.call"):
        items.append(NavItem("Phone bank", "/phonebank", order=75))
    if has_permission(user, "phonebank.manage"):
        items.append(NavItem("Call lists", "/organise/phonebank", order=895))
    return items


@hookimpl
def campaignkit_permissions():
    """Who may call, and who may import lists, run campaigns and export their results."""
    return {"phonebank.call": ["volunteer", "organiser"], "phonebank.manage": ["organiser"]}


@hookimpl
def campaignkit_commands(cli):
    """``campaignkit phonebank ...``."""
    from campaignkit.plugins.phonebank.cli import phonebank

    cli.add_command(phonebank)


@hookimpl
def campaignkit_personal_data(subject, session):
    """A person's entries on call lists (by email) and the calls they made."""
    return personal_data.export(subject, session)


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Anonymise a person's contact entries (a do-not-call hash stays); unlink their calls."""
    return personal_data.erase(subject, session)


@hookimpl
def campaignkit_purge_personal_data(older_than, session):
    """Anonymise contacts imported before ``older_than``."""
    return personal_data.purge(older_than, session)
