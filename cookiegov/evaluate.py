"""``cookiegov kb evaluate``: accuracy of the classifier on a labelled file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cookiegov.batch import parse_row
from cookiegov.classify import Classifier
from cookiegov.errors import InputError
from cookiegov.models import Category

CLASSES = (Category.NECESSARY, Category.FUNCTIONAL, Category.ANALYTICS, Category.ADVERTISING)


@dataclass
class Evaluation:
    total: int = 0
    correct: int = 0
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def recall(self, c: str) -> float:
        row = self.confusion.get(c, {})
        n = sum(row.values())
        return row.get(c, 0) / n if n else 0.0

    def precision(self, c: str) -> float:
        n = sum(r.get(c, 0) for r in self.confusion.values())
        return self.confusion.get(c, {}).get(c, 0) / n if n else 0.0

    @property
    def balanced_accuracy(self) -> float:
        present = [c.value for c in CLASSES if sum(self.confusion.get(c.value, {}).values())]
        return sum(self.recall(c) for c in present) / len(present) if present else 0.0

    def to_text(self) -> str:
        lines = [
            f"rows: {self.total}  accuracy: {self.accuracy:.1%}  "
            f"balanced accuracy: {self.balanced_accuracy:.1%}",
            "",
            f"{'class':<12}{'precision':>10}{'recall':>9}{'support':>9}",
        ]
        for c in CLASSES:
            support = sum(self.confusion.get(c.value, {}).values())
            lines.append(
                f"{c.value:<12}{self.precision(c.value):>10.1%}{self.recall(c.value):>9.1%}"
                f"{support:>9}"
            )
        labels = [c.value for c in CLASSES] + ["unknown"]
        lines += [
            "",
            "confusion (rows: label, columns: predicted)",
            " " * 12 + "".join(f"{x[:9]:>10}" for x in labels),
        ]
        for truth in [c.value for c in CLASSES]:
            row = self.confusion.get(truth, {})
            lines.append(f"{truth:<12}" + "".join(f"{row.get(p, 0):>10}" for p in labels))
        if self.wrong:
            lines += ["", f"wrong ({len(self.wrong)}):"]
            for w in self.wrong:
                lines.append(
                    f"  line {w['line']}: {w['name']} ({w['domain']}) labelled {w['label']}, "
                    f"predicted {w['predicted']} — {w['reason']}"
                )
        if self.skipped:
            lines += ["", f"skipped ({len(self.skipped)}):", *[f"  {s}" for s in self.skipped]]
        return "\n".join(lines)


def evaluate(classifier: Classifier, rows: list[tuple[int, dict[str, Any]]]) -> Evaluation:
    """Rows need a ``category`` (or ``label``) column with the true class."""
    ev = Evaluation()
    for line, row in rows:
        label_text = str(row.get("label") or row.get("category") or "")
        try:
            label = Category.parse(label_text)
            cookie = parse_row(row)
        except (ValueError, InputError) as exc:
            ev.skipped.append(f"line {line}: {getattr(exc, 'message', exc)}")
            continue
        if label not in CLASSES:
            ev.skipped.append(f"line {line}: label {label_text!r} is not one of the four classes")
            continue
        result = classifier.classify(cookie)
        ev.total += 1
        cell = ev.confusion.setdefault(label.value, {})
        cell[result.category.value] = cell.get(result.category.value, 0) + 1
        if result.category is label:
            ev.correct += 1
        else:
            ev.wrong.append(
                {
                    "line": line,
                    "name": cookie.name,
                    "domain": cookie.domain,
                    "label": label.value,
                    "predicted": result.category.value,
                    "reason": result.reason,
                }
            )
    return ev
