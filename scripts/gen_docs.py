"""Rewrite docs/inputs.md and docs/templates/* from the contracts (see healthradar.inputs_doc)."""

from __future__ import annotations

from pathlib import Path

from healthradar.inputs_doc import generated_files

DOCS = Path(__file__).resolve().parent.parent / "docs"

if __name__ == "__main__":
    for rel, content in generated_files().items():
        path = DOCS / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path}")
