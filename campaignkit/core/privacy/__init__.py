"""Personal data in core: consent records now; export, erasure and retention build on them.

Political opinions are special-category data under UK GDPR, so every form
that stores a person records the consent they gave, in the same transaction
as what it stores.
"""
