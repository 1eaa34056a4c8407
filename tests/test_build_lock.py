"""Builds run one at a time per project and survive being killed (issue 9, item 8).

Real builds run in subprocesses and are SIGKILLed at named points (a stage hook, or a wrapped
rename inside the swap of out/): each time the previous out/ must be intact (or, for a kill
between the two renames, restored by the next build), and the last build must succeed and leave
no work folder behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import healthradar
from healthradar.cli import app

runner = CliRunner()
SRC = str(Path(healthradar.__file__).resolve().parent.parent)

# Runs one build and SIGKILLs itself at POINT (argv[2]); exits normally when POINT is "none".
DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import healthradar.publish as publish
    from healthradar.pipeline import build

    project, point = Path(sys.argv[1]), sys.argv[2]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    real_rename = Path.rename

    def rename(self, target):
        done = real_rename(self, target)
        name = Path(target).name
        if point == "between-renames" and name == "out.previous":
            die()  # the previous out/ moved aside, the new one not in place yet
        if point == "recovering" and self.name == "out.previous" and name == "out":
            die()  # the next build put the old out/ back, and was killed at once
        if point == "after-swap" and self.name.startswith("build-") and name == "out":
            die()  # the new out/ in place, the previous one not removed yet
        return done

    Path.rename = rename
    if point == "mid-publish":
        publish.render_index = die  # after the chapter and quality pages are written
    hook = (lambda stage: die() if stage == point[len("stage:"):] else None)
    build(project, hook=hook if point.startswith("stage:") else None)
    """
)


def env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": SRC + (os.pathsep + path if path else "")}


def run_driver(tmp_path: Path, project: Path, point: str) -> subprocess.CompletedProcess[str]:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    return subprocess.run(
        [sys.executable, str(driver), str(project), point],
        env=env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def work_folders(project: Path) -> list[str]:
    root = project / ".healthradar"
    return sorted(p.name for p in root.iterdir() if p.name.startswith(("build-", "engine-")))


def test_sigkill_at_any_point_keeps_the_previous_out(tmp_path: Path, tiny_project: Path) -> None:
    first = run_driver(tmp_path, tiny_project, "none")
    assert first.returncode == 0, first.stderr
    out = tiny_project / "out"
    before = digest(out / "manifest.json")
    quality_before = digest(out / "quality.html")
    (tiny_project / ".healthradar" / "engine-999-1").mkdir()  # a Spark leftover

    points = ("stage:ingest", "stage:resolve", "mid-publish", "between-renames", "recovering")
    for point in points:
        killed = run_driver(tmp_path, tiny_project, point)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        if point == "between-renames":
            # the one window the filesystem cannot close: out/ is aside, kept whole
            assert not out.exists()
            assert digest(tiny_project / "out.previous" / "manifest.json") == before
        else:
            assert digest(out / "manifest.json") == before, point
            assert digest(out / "quality.html") == quality_before, point
        # each build removed the folders of the builds killed before it: only its own is left
        # (killed while recovering, it made none, and the one left is its predecessor's)
        left = work_folders(tiny_project)
        assert len(left) == 1, (point, left)

    killed = run_driver(tmp_path, tiny_project, "after-swap")
    assert killed.returncode == -signal.SIGKILL
    # this build started by putting out/ back, then completed and swapped its own in
    assert digest(tiny_project / "out.previous" / "manifest.json") == before
    assert json.loads((out / "manifest.json").read_text())["project"] == "Tiny"
    assert work_folders(tiny_project) == []

    result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "was interrupted" in text  # the lock left by the killed build, taken over
    assert work_folders(tiny_project) == []
    assert not (tiny_project / "out.previous").exists()
    assert (out / "manifest.json").is_file() and (out / "quality.html").is_file()


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from healthradar.workspace import BuildLock

    with BuildLock(Path(sys.argv[1]) / ".healthradar"):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def hold_lock(tmp_path: Path, project: Path, seconds: float) -> subprocess.Popen[str]:
    (project / ".healthradar").mkdir(exist_ok=True)
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    holder = subprocess.Popen(
        [sys.executable, str(script), str(project), str(seconds)],
        env=env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_build_is_refused_with_the_lock_and_pid(
    tmp_path: Path, tiny_project: Path
) -> None:
    holder = hold_lock(tmp_path, tiny_project, 120)
    try:
        started = time.monotonic()
        result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
        elapsed = time.monotonic() - started
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    text = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "Another build of this project is running" in text
    assert f"PID {holder.pid}" in text
    assert "tiny/.healthradar/build.lock" in text.replace(" ", "")  # Rich may wrap the path
    assert elapsed < 30  # refused at once, not after a build's worth of work
    assert not (tiny_project / "out").exists()


def test_wait_then_take_over_a_lock_whose_holder_was_killed(
    tmp_path: Path, tiny_project: Path
) -> None:
    holder = hold_lock(tmp_path, tiny_project, 120)
    killer = subprocess.Popen(
        [sys.executable, "-c", f"import os,time; time.sleep(2); os.kill({holder.pid}, 9)"]
    )
    try:
        result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en", "--wait", "60"])
    finally:
        killer.wait()
        holder.wait()
    text = " ".join(result.output.split())
    assert result.exit_code == 0, text
    assert f"PID {holder.pid}" in text and "was interrupted" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_stale_lock_messages_exist_in_both_languages(lang: str) -> None:
    from healthradar.i18n import t

    assert "123" in t(lang, "cli_stale_lock", pid=123, path="x")
