"""Consent records: who agreed to what, shown which words, when and where.

They live in ``campaignkit.core.records``, beneath accounts and privacy alike;
this module keeps the names importable from here.
"""

from campaignkit.core.records import (
    METHODS,
    ConsentRecord,
    consents_of,
    normalise_email,
    record_consent,
)

__all__ = ["METHODS", "ConsentRecord", "consents_of", "normalise_email", "record_consent"]
