from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.tiny import write_tiny_project

if TYPE_CHECKING:
    from healthradar.demo import DemoTruth
    from healthradar.pipeline import BuildResult


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    return write_tiny_project(tmp_path / "tiny")


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    from healthradar.pipeline import build

    root = write_tiny_project(tmp_path_factory.mktemp("tiny-built") / "tiny")
    return build(root)


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The embedded demo, generated and built once per test session."""
    from healthradar.demo import generate
    from healthradar.pipeline import build

    root = tmp_path_factory.mktemp("demo") / "demo"
    generate(root)
    result = build(root)
    shutil.rmtree(root / ".healthradar" / "cache", ignore_errors=True)
    return result


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a full run in which a registered indicator was never checked by `check_indicator`.

    Only a run of the whole suite can tell (a run of one file checks few indicators), so the
    gate applies when no selection (-k, a marker other than the default "not spark", node ids,
    --lf) narrowed the collection."""
    from healthradar.indicators import default_registry
    from tests.indicator_check import CHECKED

    config = session.config
    narrowed = (
        config.getoption("keyword")
        or config.getoption("markexpr") not in ("", "not spark")
        or config.getoption("lf", False)
        or any("::" in a or a.endswith(".py") for a in config.args)
        or session.testsfailed
    )
    if narrowed or exitstatus != 0:
        return
    unchecked = sorted(i.id for i in default_registry() if i.id not in CHECKED)
    if unchecked:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "indicators never checked by tests/indicator_check.check_indicator: "
                + ", ".join(unchecked),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoTruth, float]:
    """The demo's files, generated once per test module, and the seconds it took."""
    from healthradar.demo import generate

    target = tmp_path_factory.mktemp("demo")
    start = time.perf_counter()
    truth = generate(target)
    return target, truth, time.perf_counter() - start
