"""Primary confidentiality rules: which cells may not be published as they are.

The public-statistics defaults (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012,
ch. 4; the τ-Argus manual, "sensitivity rules"):

* **frequency** — fewer than `min_units` units under secrecy stand behind the cell (default 3):
  one contributor could read another's value off the cell;
* **dominance (n, k)** — the `n` largest contributions exceed `k` % of the cell (default n=1,
  k=85; the (2, 90) form may be added): the largest contributor's value is almost the cell.

Both look only at the contributions under secrecy. A unit whose value anyone can compute from
open data (jobs estimated from the register's band) is known to the attacker, who subtracts it:
counting it as a contributor would protect nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FREQUENCY = "frequency"
DOMINANCE = "dominance"
SECONDARY = "secondary"
REASONS = (FREQUENCY, DOMINANCE, SECONDARY)


@dataclass(frozen=True)
class Rules:
    min_units: int = 3
    dominance: tuple[tuple[int, float], ...] = ((1, 85.0),)  # (n, k %)
    protection: float = 0.10  # protection interval: ± this share of the cell's secret part

    def sensitivity(self, contributions: Sequence[float]) -> str | None:
        """The primary reason a cell with these confidential contributions is sensitive."""
        values = sorted((float(v) for v in contributions), reverse=True)
        if not values:
            return None  # nothing under secrecy in the cell
        if len(values) < self.min_units:
            return FREQUENCY
        total = sum(values)
        if total <= 0:
            return None
        for n, k in self.dominance:
            if sum(values[:n]) > k / 100.0 * total:
                return DOMINANCE
        return None
