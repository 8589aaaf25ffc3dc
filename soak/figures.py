"""What the trials count: runs and failures by kind per trial, and the figures the issue
expects to be zero (duplicates, lost receipts, partial files, tracebacks, writes from rejected
input, unmasked national ids)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from oppgjor.core.ids import national_id

# the figures that must be zero (issue 11 §8)
DUPLICATES = "duplicates"
LOST_RECEIPTS = "lost receipts"
PARTIAL_FILES = "partial files"
TRACEBACKS = "tracebacks"
REJECTED_WRITES = "writes from rejected input"
UNMASKED_IDS = "unmasked ids"
EXPECTED_ZERO = (
    DUPLICATES,
    LOST_RECEIPTS,
    PARTIAL_FILES,
    TRACEBACKS,
    REJECTED_WRITES,
    UNMASKED_IDS,
)

# other ways a run can fail
WRONG_EXIT = "wrong exit"  # a race's loser not exiting 5 "endret av noen andre", or two winners
PARTIAL_IMPORT = "partial import"
STATE_MISMATCH = "state and files disagree"

_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def unmasked_ids(text: str) -> int:
    """How many valid (also synthetic) 11-digit national ids *text* shows in full."""
    return sum(
        1
        for m in _ELEVEN_DIGITS.finditer(text)
        if national_id.is_valid(m.group(), allow_synthetic=True)
    )


@dataclass
class Trial:
    name: str
    runs: int = 0
    attempts: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    causes: Counter[str] = field(default_factory=Counter)  # tracebacks by exception and place

    def fail(self, kind: str, example: str = "", count: int = 1) -> None:
        if count <= 0:
            return
        self.failures[kind] += count
        if example and kind not in self.examples:
            self.examples[kind] = national_id_masked(example)[:300]

    def output(self, text: str) -> None:
        """Scan what a run printed: tracebacks and unmasked ids are failures of any trial."""
        if "Traceback (most recent call last)" in text:
            self.fail(TRACEBACKS, text[-300:])
        self.fail(UNMASKED_IDS, text, unmasked_ids(text))


def national_id_masked(text: str) -> str:
    """*text* with every 11-digit run masked, so an example never shows a national id."""
    return _ELEVEN_DIGITS.sub(lambda m: national_id.mask(m.group()), text)


@dataclass
class Figures:
    trials: list[Trial] = field(default_factory=list)

    def trial(self, name: str) -> Trial:
        found = Trial(name)
        self.trials.append(found)
        return found

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for t in self.trials:
            total.update(t.failures)
        return total

    def failed(self) -> bool:
        return any(self.totals().values())

    def table(self) -> str:
        width = max([len(t.name) for t in self.trials] + [5])
        lines = [f"{'trial':<{width}}  {'runs':>7}  failures by kind", "-" * (width + 40)]
        for t in self.trials:
            kinds = ", ".join(f"{k}: {n}" for k, n in sorted(t.failures.items())) or "-"
            lines.append(f"{t.name:<{width}}  {t.runs:>7}  {kinds}")
        lines.append("")
        totals = self.totals()
        lines += [f"{kind:<28} {totals.get(kind, 0):>7}" for kind in EXPECTED_ZERO]
        others = sorted(k for k in totals if k not in EXPECTED_ZERO)
        lines += [f"{kind:<28} {totals[kind]:>7}" for kind in others]
        causes = [(t.name, c, n) for t in self.trials for c, n in t.causes.most_common(8)]
        if causes:
            lines.append("")
            lines.append("tracebacks by cause:")
            lines += [f"  {name}: {n} x {cause}" for name, cause, n in causes]
        examples = [(t.name, k, e) for t in self.trials for k, e in t.examples.items()]
        if examples:
            lines.append("")
            lines.append("first example of each failure (national ids masked):")
            lines += [f"  {name} / {kind}: {text!r}" for name, kind, text in examples]
        return "\n".join(lines)
