"""The videos plugin's blueprint: the public gallery, producers' and organisers' pages.

The media pages (uploads, tus, files) live on their own blueprint
``videos_media`` in ``media_views``; the pages here never link to them
directly but include ``videos/_player.html`` and ``videos/_upload_choice.html``.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("videos", __name__, url_prefix="/videos", template_folder="templates")
