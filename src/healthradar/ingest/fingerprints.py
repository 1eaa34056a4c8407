"""Input fingerprints for the manifest: the one hashing path of the project.

Small inputs are hashed from the bytes the reader already holds (`bytes_sha256`); the register
through `file_sha256`, cached so an 8 GB file is hashed once, not per build.

The cache maps (absolute path, size, modification time) to the SHA-256; a changed file changes
its size or mtime and is hashed again. The cache is a convenience: deleting it only costs time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def bytes_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path, cache_file: Path | None = None) -> str:
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    cache: dict[str, str] = {}
    if cache_file is not None and cache_file.exists():
        try:
            cache = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cache = {}
    if key in cache:
        return cache[key]
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if cache_file is not None:
        cache[key] = digest
        tmp = cache_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(cache, indent=0, sort_keys=True), encoding="utf-8")
        tmp.replace(cache_file)
    return digest
