"""Accounts: users, roles and permissions, sign-in, member vetting, invitations, API tokens.

Plugins use this through ``campaignkit.core`` (``require_permission``,
``members_only``, ``current_member_approved`` ...), never by importing the
modules here.
"""
