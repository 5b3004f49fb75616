"""Stored content: file contents by hash, published versions of the whole tree, and drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from elearn.core.db import UTCDateTime
from elearn.extensions import Model


class ContentBlob(Model):
    """The bytes of one content file, named by their SHA-256 (stored once, however often
    a version or draft refers to them)."""

    __tablename__ = "content_blobs"

    sha256: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    size: so.Mapped[int]
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)


class ContentVersion(Model):
    """A published course: every file of the tree (``modules/``, ``pages/``, ``surveys/``)
    by path, with who published it, when and why. Never changed once written."""

    __tablename__ = "content_versions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[int] = so.mapped_column(unique=True)
    manifest: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)  # path -> sha256
    tree_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    # The parts this version changed ("modules/02-tyonantajamalli", "pages/…", "surveys/…").
    changed: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    restored_from: so.Mapped[int | None]  # the version number a restore brought back

    author = so.relationship("User")


class ContentDraft(Model):
    """A trainer's unpublished changes to one part of the course.

    ``files`` maps the part's file paths to blob hashes. ``revision`` grows with every
    save: a save that started from an older revision is refused (two trainers at once).
    """

    __tablename__ = "content_drafts"

    part: so.Mapped[str] = so.mapped_column(sa.String(160), primary_key=True)
    files: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    base_number: so.Mapped[int]  # the published version the draft started from
    revision: so.Mapped[int] = so.mapped_column(default=1)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)

    updated_by = so.relationship("User")
