"""A project's work area: one build at a time, and nothing a killed build left behind.

A build holds `.healthradar/build.lock` for its whole run. The lock is an OS file lock (flock),
so the kernel releases it when the holder dies, even by SIGKILL: a second build refuses at once
(or waits up to `wait_seconds`) naming the lock file and the holder's PID, and a lock whose
holder was killed is simply taken, its PID reported as an interrupted build. The file keeps the
holder's PID while it runs and is emptied on a clean exit, which is how the next build tells an
interrupted one from a finished one.

Under the lock, the start of a build repairs what a killed build can leave: its work folders
(`build-*`, `engine-*`, half-written cache parts) are removed, and `out.previous` — the old
barometer moved aside by `swap_into_place` — is put back as `out/` when a kill fell between the
two renames, or removed when the new `out/` was already in place.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

from healthradar.errors import FatalInputError

WORK_DIR = ".healthradar"  # under the project folder: caches, work folders, the lock
LOCK_FILE = "build.lock"
PREVIOUS_SUFFIX = ".previous"
_POLL_SECONDS = 0.2


@dataclass
class Housekeeping:
    """What the start of a build found and repaired, for the CLI to say."""

    stale_pid: int | None = None  # a build holding the lock was killed
    restored_out: bool = False  # out/ put back from out.previous
    removed: list[str] = field(default_factory=list)  # leftover work folders and files


if sys.platform == "win32":  # pragma: no cover - the CI runs Linux
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class BuildLock:
    """`with BuildLock(work_root):` — the project's build lock, held for the block."""

    def __init__(self, work_root: Path, wait_seconds: float = 0.0) -> None:
        self.path = work_root / LOCK_FILE
        self.wait_seconds = wait_seconds
        self.stale_pid: int | None = None
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = _read(fd)
                os.close(fd)
                raise FatalInputError(
                    "build_locked",
                    file=str(self.path),
                    message_args={
                        "pid": str(holder.get("pid", "?")),
                        "started": str(holder.get("started", "?")),
                    },
                )
            time.sleep(_POLL_SECONDS)
        left = _read(fd)  # non-empty: its writer died holding the lock
        pid = left.get("pid")
        self.stale_pid = pid if isinstance(pid, int) and pid != os.getpid() else None
        mine = {"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds")}
        _write(fd, json.dumps(mine))
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is None:
            return
        try:
            _write(self._fd, "")  # a clean exit: the next build finds no interrupted one
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None


def _read(fd: int) -> dict[str, object]:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace").strip()
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _write(fd: int, text: str) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, text.encode("utf-8"))
    os.fsync(fd)


def previous_of(out: Path) -> Path:
    return out.with_name(out.name + PREVIOUS_SUFFIX)


def recover_out(out: Path) -> bool:
    """Undo a swap cut short; True when out/ had to be put back. Call under the lock."""
    previous = previous_of(out)
    if not previous.exists():
        return False
    if out.exists():  # killed after the new out/ was in place: the old one is garbage
        shutil.rmtree(previous)
        return False
    previous.rename(out)  # killed between the two renames: the old out/ is whole
    _fsync_dir(out.parent)
    return True


def remove_leftovers(work_root: Path) -> list[str]:
    """Remove what killed builds left in the work area. Call under the lock: then no other
    build of the project is running, so every work folder found is an orphan."""
    removed: list[str] = []
    if not work_root.is_dir():
        return removed
    for path in sorted(work_root.iterdir()):
        if path.is_dir() and path.name.startswith(("build-", "engine-")):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    cache = work_root / "cache"
    if cache.is_dir():
        for part in sorted(cache.glob("*.part")):
            part.unlink(missing_ok=True)
            removed.append(f"cache/{part.name}")
    return removed


def tidy(out: Path, work_root: Path) -> Housekeeping:
    """Recover out/ and remove leftovers, at the start of a build holding the lock."""
    restored = recover_out(out)
    return Housekeeping(restored_out=restored, removed=remove_leftovers(work_root))


def swap_into_place(work: Path, out: Path) -> None:
    """Replace out/ with the finished work folder by two renames (atomic each).

    Between the two, out/ is absent and `out.previous` holds the old barometer whole; a kill
    there is repaired by `recover_out` at the next build. A failed second rename puts the old
    one back at once."""
    old = previous_of(out)
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    try:
        work.rename(out)
    except OSError:
        if old.exists() and not out.exists():
            old.rename(out)  # put the previous barometer back
        raise
    _fsync_dir(out.parent)
    if old.exists():
        shutil.rmtree(old)


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable (a power cut after the build must not undo them)."""
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
