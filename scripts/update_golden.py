"""Rewrite tests/golden/ from a fresh build of the demo, after a reviewed change.

The test run never rewrites golden files; this script does, on purpose. Say in the commit why
the figures moved (`git diff tests/golden` shows how).
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from healthradar.demo import generate
from healthradar.pipeline import build

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "demo"
        generate(root)
        result = build(root)
        for golden in sorted(GOLDEN.glob("*.csv")):
            produced = result.out_dir / "indicators" / golden.name
            with produced.open(encoding="utf-8") as src, golden.open("w", encoding="utf-8") as dst:
                reader = csv.DictReader(src)
                names = [n for n in reader.fieldnames or [] if n != "synthetic_data"]
                writer = csv.DictWriter(dst, names, extrasaction="ignore", lineterminator="\n")
                writer.writeheader()
                writer.writerows(reader)
            print("wrote", golden)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
