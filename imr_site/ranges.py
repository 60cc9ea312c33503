"""HTTP range requests (RFC 9110 section 14) for the files the permission-checked views serve.

Why: the records viewer (PDF.js) asks for a large PDF in chunks (``Range: bytes=0-65535``) so a
300-page record shows its first page without the whole file coming down first. Django's ``FileResponse``
answers every request with the whole file. django-ranged-response (last released 2017) reads the whole
file into memory to learn its size, so this small implementation is used instead: the size comes from
the storage (a HEAD request on S3) and only the asked bytes are read after a ``seek``.

One satisfiable range gets 206 with ``Content-Range``; a range starting past the end gets 416 with
``Content-Range: bytes */size``; several ranges, a malformed header, another unit, or an ``If-Range``
(the file has no validator to compare it with) get the whole file with 200, as RFC 9110 14.2 allows.

Storage: ``FieldFile.open("rb")`` gives a seekable file on both backends in use. On S3 (django-storages
``S3File``) ``seek`` works on a spooled copy that the first read downloads whole from the bucket, so a
chunk costs the server one object download (records are capped by ``MAX_RECORD_UPLOAD_BYTES``) while the
browser still receives only its chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.core.files import File
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK_BYTES = 64 * 1024
_SINGLE_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    """The range asks only for bytes past the end of the file (416)."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte positions, inclusive, of a single-range ``Range`` header; None when the
    header is to be ignored (absent, malformed, another unit, several ranges); ``Unsatisfiable`` when
    no byte of the file is asked for."""
    match = _SINGLE_RANGE.match(header or "")
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # "bytes=-500": the last 500 bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # invalid syntax: ignored (RFC 9110 14.1.1)
    if start >= size:
        raise Unsatisfiable
    end = min(int(last), size - 1) if last else size - 1
    return start, end


def _read(handle: File, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(
    request: HttpRequest, field_file, *, content_type: str, filename: str
) -> HttpResponse:
    """The file, whole (200) or the one range asked for (206), or 416; always ``Accept-Ranges: bytes``."""
    size = field_file.size
    header = request.META.get("HTTP_RANGE", "")
    span = None
    if header and "HTTP_IF_RANGE" not in request.META:
        try:
            span = parse_range(header, size)
        except Unsatisfiable:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response
    if span is None:
        response = FileResponse(field_file.open("rb"), content_type=content_type, filename=filename)
    else:
        start, end = span
        length = end - start + 1
        response = StreamingHttpResponse(
            _read(field_file.open("rb"), start, length), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
        response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Accept-Ranges"] = "bytes"
    return response
