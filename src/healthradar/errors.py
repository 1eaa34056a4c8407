"""Errors are values: reason codes with FR/EN message templates, and the one fatal exception.

Row-level problems are never raised: stages write them into the warehouse table `issues` as
(origin, column, raw value, reason code). The reason catalogue (`reasons`) gives each code a
severity and a message in both languages; the quality report renders messages from it. A
`FatalInputError`
is reserved for problems that make a build meaningless (missing file, missing required column,
invalid config): the CLI turns it into one message and exit code 2, before any work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from healthradar.reasons import REASONS, Reason, Severity

__all__ = ["REASONS", "FatalInputError", "Reason", "Severity", "render"]


def render(code: str, lang: str, **args: str) -> str:
    """The message of a reason code in one language; unknown placeholders stay visible."""
    reason = REASONS[code]
    template = reason.fr if lang == "fr" else reason.en
    for key, value in args.items():
        template = template.replace("{" + key + "}", value)
    return template


@dataclass
class FatalInputError(Exception):
    """A problem that stops the build before any work (exit code 2)."""

    code: str
    file: str | None = None
    column: str | None = None
    message_args: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        args = {"path": self.file or "", "column": self.column or "", **self.message_args}
        return render(self.code, lang, **args)
