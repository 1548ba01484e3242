"""campaignkit: a plugin-based toolkit for grassroots election campaigns."""

import pluggy

__version__ = "0.1.0"

#: Mark a function as the implementation of a campaignkit hook.
hookimpl = pluggy.HookimplMarker("campaignkit")

#: Declare a hook a plugin offers to other plugins (in the plugin's own ``hookspecs.py``,
#: added through ``campaignkit_addhooks``).
hookspec = pluggy.HookspecMarker("campaignkit")

__all__ = ["__version__", "hookimpl", "hookspec"]
