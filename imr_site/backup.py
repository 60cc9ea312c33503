"""Backup and restore of the stored files (medical records, letters), whatever the storage backend.

The database is dumped with pg_dump (scripts/backup); the files are copied out through Django's storage
API, so the same code backs up a local folder or an S3 bucket, with a SHA-256 manifest that the restore
verifies file by file. File names are kept: the database rows point at them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

MANIFEST = "files.sha256"
FILES_DIR = "files"


class RestoreError(Exception):
    """A file in the backup is missing, altered, or would overwrite a different stored file."""


def stored_file_names() -> Iterator[str]:
    """Every file name a FileField of any model points at, once each."""
    seen: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            names = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
            for name in names.iterator():
                if name and name not in seen:
                    seen.add(name)
                    yield name


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def back_up_files(destination: Path) -> int:
    """Copy every stored file into ``destination/files`` and write the manifest; returns the count."""
    lines = []
    for name in sorted(stored_file_names()):
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
        target = destination / FILES_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        lines.append(f"{_sha256(data)}  {name}")
    (destination / MANIFEST).write_text("".join(f"{line}\n" for line in lines))
    return len(lines)


def manifest(source: Path) -> dict[str, str]:
    """The backup's file names and their SHA-256."""
    entries = {}
    for line in (source / MANIFEST).read_text().splitlines():
        digest, name = line.split("  ", 1)
        entries[name] = digest
    return entries


def restore_files(source: Path) -> int:
    """Put every backed-up file back under its own name, after checking it against the manifest."""
    entries = manifest(source)
    for name, digest in entries.items():
        data = (source / FILES_DIR / name).read_bytes()
        if _sha256(data) != digest:
            raise RestoreError(f"{name}: the backup copy does not match its SHA-256; not restored.")
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                if _sha256(stored.read()) != digest:
                    raise RestoreError(f"{name}: a different file is already stored under this name.")
            continue
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:
            raise RestoreError(f"{name}: the storage saved it as {saved}; the database would not find it.")
    return len(entries)


def stored_hashes() -> dict[str, str]:
    """SHA-256 of every file the database points at, read back from storage (the drill compares these)."""
    hashes = {}
    for name in stored_file_names():
        with default_storage.open(name, "rb") as stored:
            hashes[name] = _sha256(stored.read())
    return hashes
