from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from healthradar.pipeline import BuildResult, build
from tests.tiny import write_tiny_project


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    return write_tiny_project(tmp_path / "tiny")


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = write_tiny_project(tmp_path_factory.mktemp("tiny-built") / "tiny")
    return build(root)


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The embedded demo, generated and built once per test session."""
    from healthradar.demo import generate

    root = tmp_path_factory.mktemp("demo") / "demo"
    generate(root)
    result = build(root)
    shutil.rmtree(root / ".healthradar" / "cache", ignore_errors=True)
    return result
