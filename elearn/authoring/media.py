"""A module's videos, captions and transcripts in the editor.

TODO(issue 16, media): uploads (WebM/MP4 checked by content, size-limited, stored outside the
web root and served with range requests), YouTube/Vimeo addresses and required WebVTT
captions are built here next. Until then this page says so and lists the module's media
files; the module's page in the editor links here (``authoring.media``).
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from elearn.authoring import bp, services
from elearn.authoring.views import find_or_404


@bp.get("/modules/<module_key>/media")
def media(module_key: str) -> Any:
    """The module's media files (uploading and editing them comes with the media work)."""
    info = find_or_404("modules", module_key)
    files = services.current_files(info.part)
    prefix = f"{info.part}/media/"
    listed = [p[len(prefix) :] for p in files if p.startswith(prefix)]
    return render_template("authoring/media.html", info=info, files=listed)
