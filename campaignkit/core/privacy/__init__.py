"""Personal data in core: consent records, export, erasure and retention.

Political opinions are special-category data under UK GDPR, so every form
that stores a person records the consent they gave, in the same transaction
as what it stores (``consent``). Any person's data can be exported as a zip
of every enabled plugin's data (``export``) and erased everywhere at once,
with a log that replays the erasure after a backup restore (``erasure``);
``purge`` removes data older than each plugin's retention period. The hooks
are ``campaignkit_personal_data``, ``campaignkit_erase_personal_data`` and
``campaignkit_purge_personal_data``; core implements them for its own tables
(``core_data``).
"""
