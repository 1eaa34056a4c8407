"""Rewrite docs/inputs.md, docs/indicators.md and docs/templates/* for the default registry.

The inputs come from the contracts (register, partner lists, headcounts and every chapter's own
inputs), the indicators from the registry; see `healthradar.inputs_doc`.
"""

from __future__ import annotations

from pathlib import Path

from healthradar.indicators import default_registry
from healthradar.inputs_doc import generated_files

DOCS = Path(__file__).resolve().parent.parent / "docs"

if __name__ == "__main__":
    for rel, content in generated_files(default_registry()).items():
        path = DOCS / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path}")
