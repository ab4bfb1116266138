"""Measuring the classifier: on a labelled file, and by grouped cross-validation.

- :func:`evaluate`: accuracy etc. of a given classifier on a labelled CSV/JSON file.
- :func:`site_grouped_cv`: CookieBlock's crawl (real cookies, labelled by what each site
  declared), folds by site: a site's cookies are never in training and test at once. In
  every fold the model and the "what sites declare" table are rebuilt from the training
  sites only; nothing is tuned on a test fold (the model's own settings are chosen by
  cross-validation inside the training folds).
- :func:`vendor_grouped_cv`: the Open Cookie Database's names, folds by vendor (platform):
  the held-out vendors' facts are in neither the model's training data, nor the facts
  layer, nor the tracker hosts; judged by the name alone.

Training needs the ``ml`` extra (scikit-learn).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cookiegov.batch import column, parse_row
from cookiegov.classification.attribution import hosts_from_facts
from cookiegov.classification.base import Features, features_of
from cookiegov.classification.calibration import calibrate
from cookiegov.classification.consensus import SiteConsensus
from cookiegov.classification.datasets import Labelled, ocd_labelled, ocd_training
from cookiegov.classification.ocd import OcdFact, fact_entries
from cookiegov.classification.registry import LAYER_ORDER
from cookiegov.classify import Classifier
from cookiegov.errors import InputError
from cookiegov.knowledge import HostTable, builtin_cookies, builtin_hosts
from cookiegov.models import Category, Classification

CLASSES = (Category.NECESSARY, Category.FUNCTIONAL, Category.ANALYTICS, Category.ADVERTISING)
BINS = 10


@dataclass
class Evaluation:
    total: int = 0
    correct: int = 0
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # (confidence, right?, layer) per judged row: reliability and per-layer figures
    judged: list[tuple[float, bool, str]] = field(default_factory=list)
    # Rows where some layer's answer (not only the first) was right, when measured: the
    # most any choice among the layers' answers could reach (see :func:`any_layer_right`).
    reachable: int | None = None

    def add(self, label: Category, result: Classification, **detail: Any) -> None:
        self.total += 1
        cell = self.confusion.setdefault(label.value, {})
        cell[result.category.value] = cell.get(result.category.value, 0) + 1
        right = result.category is label
        self.correct += right
        self.judged.append((result.confidence, right, result.layer))
        if not right:
            self.wrong.append(
                {
                    **detail,
                    "label": label.value,
                    "predicted": result.category.value,
                    "reason": result.reason,
                }
            )

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

    @property
    def reachable_accuracy(self) -> float | None:
        return None if self.reachable is None or not self.total else self.reachable / self.total

    @property
    def needs_review_share(self) -> float:
        return sum(1 for conf, _, _ in self.judged if conf < 0.5) / self.total if self.total else 0

    def by_layer(self) -> dict[str, tuple[int, float]]:
        """Layer -> (rows it answered, accuracy on them)."""
        out: dict[str, list[int]] = {}
        for _, right, layer in self.judged:
            cell = out.setdefault(layer, [0, 0])
            cell[0] += 1
            cell[1] += right
        return {k: (n, r / n) for k, (n, r) in sorted(out.items(), key=lambda kv: -kv[1][0])}

    def reliability(self) -> list[tuple[float, float, int, float, float]]:
        """Bins of confidence: (low, high, rows, mean confidence, accuracy)."""
        bins: list[list[float]] = [[0, 0.0, 0] for _ in range(BINS)]
        for conf, right, _ in self.judged:
            b = bins[min(int(conf * BINS), BINS - 1)]
            b[0] += 1
            b[1] += conf
            b[2] += right
        return [
            (i / BINS, (i + 1) / BINS, int(n), s / n, r / n)
            for i, (n, s, r) in enumerate(bins)
            if n
        ]

    @property
    def calibration_error(self) -> float:
        """Expected calibration error: |accuracy - confidence| weighted by bin size."""
        if not self.total:
            return 0.0
        return sum(n * abs(acc - conf) for _, _, n, conf, acc in self.reliability()) / self.total

    def to_text(self, *, show_wrong: bool = True) -> str:
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
        labels = [c.value for c in CLASSES]
        lines += [
            "",
            "confusion (rows: label, columns: predicted)",
            " " * 12 + "".join(f"{x[:9]:>10}" for x in labels),
        ]
        for truth in labels:
            row = self.confusion.get(truth, {})
            lines.append(f"{truth:<12}" + "".join(f"{row.get(p, 0):>10}" for p in labels))
        if self.reachable_accuracy is not None:
            lines += [
                "",
                "an oracle choosing, for each cookie, whichever layer's answer is right: "
                f"{self.reachable_accuracy:.1%}",
            ]
        lines += ["", f"{'layer':<12}{'rows':>6}{'accuracy':>10}"]
        for layer, (n, acc) in self.by_layer().items():
            lines.append(f"{layer:<12}{n:>6}{acc:>10.1%}")
        lines += [
            "",
            f"reliability (expected calibration error {self.calibration_error:.3f})",
            f"{'confidence':<12}{'rows':>6}{'mean conf':>11}{'accuracy':>10}",
        ]
        for lo, hi, n, conf, acc in self.reliability():
            lines.append(f"{lo:.1f}-{hi:.1f}    {n:>6}{conf:>11.2f}{acc:>10.1%}")
        if show_wrong and self.wrong:
            lines += ["", f"wrong ({len(self.wrong)}):"]
            for w in self.wrong:
                where = f"line {w['line']}: " if w.get("line") else ""
                lines.append(
                    f"  {where}{w['name']} ({w.get('domain') or '-'}) labelled {w['label']}, "
                    f"predicted {w['predicted']} — {w['reason']}"
                )
        if self.skipped:
            lines += ["", f"skipped ({len(self.skipped)}):", *[f"  {s}" for s in self.skipped]]
        return "\n".join(lines)


def evaluate(classifier: Classifier, rows: list[tuple[int, dict[str, Any]]]) -> Evaluation:
    """Rows need a ``category`` (or ``label``) column with the true class."""
    ev = Evaluation()
    for line, row in rows:
        label_text = str(column(row, "label") or "")
        try:
            label = Category.parse(label_text)
            cookie = parse_row(row)
        except (ValueError, InputError) as exc:
            ev.skipped.append(f"line {line}: {getattr(exc, 'message', exc)}")
            continue
        if label not in CLASSES:
            ev.skipped.append(f"line {line}: label {label_text!r} is not one of the four classes")
            continue
        result = classifier.classify_features(features_of(cookie))
        ev.add(label, result, line=line, name=cookie.name, domain=cookie.domain)
    return ev


def evaluate_labelled(classifier: Classifier, rows: Sequence[Labelled]) -> Evaluation:
    ev = Evaluation()
    for r in rows:
        result = classifier.classify_features(r.features)
        ev.add(r.label, result, line=r.line, name=r.features.name, domain=r.features.host)
    return ev


def grouped_folds(groups: Sequence[str], k: int) -> list[list[int]]:
    """Row indices of ``k`` test folds; each group whole in one fold, folds of similar size
    (largest groups first, each to the smallest fold; ties broken by name: deterministic)."""
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    fold_of: dict[str, int] = {}
    totals = [0] * k
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        f = min(range(k), key=lambda i: (totals[i], i))
        fold_of[g] = f
        totals[f] += sizes[g]
    folds: list[list[int]] = [[] for _ in range(k)]
    for i, g in enumerate(groups):
        folds[fold_of[g]].append(i)
    return folds


Progress = Callable[[str], None]


def site_grouped_cv(
    sites: Sequence[Labelled],
    facts: Sequence[OcdFact],
    *,
    folds: int = 5,
    progress: Progress | None = None,
) -> Evaluation:
    """Every cookie judged by a classifier whose model and site table never saw its site."""
    from cookiegov.classification.train import model_answers, train

    ev = Evaluation()
    reachable = 0
    facts_rows = ocd_training(facts)
    hosts = _hosts(facts)
    ocd = fact_entries(list(facts))
    answered = model_answers([*builtin_cookies(), *ocd])  # the same in every fold
    for i, test in enumerate(grouped_folds([s.group for s in sites], folds), start=1):
        held = set(test)
        training = [s for j, s in enumerate(sites) if j not in held]
        model = train([*training, *facts_rows], hosts, calibrate_on=answered)
        consensus = SiteConsensus.from_labelled(training)
        make = functools.partial(Classifier, ocd=ocd, hosts=hosts, model=model)

        # The knowledge layers' confidences, measured on the training sites only.
        def uncalibrated(votes: SiteConsensus, make: Any = make) -> Classifier:
            return make(consensus=votes, confidence={})

        clf = make(consensus=consensus, confidence=calibrate(uncalibrated, training))
        for j in test:
            s = sites[j]
            ev.add(
                s.label,
                clf.classify_features(s.features),
                line=s.line,
                name=s.features.name,
                domain=s.features.host,
            )
            reachable += any_layer_right(clf, s)
        if progress:
            n_sites = len({sites[j].group for j in test})
            progress(f"fold {i}/{folds}: {len(test)} cookies of {n_sites} sites")
    ev.reachable = reachable
    return ev


def any_layer_right(clf: Classifier, row: Labelled) -> bool:
    """Whether any of the classifier's layers, asked alone, gives the row's label: the
    classifier's first-answer-wins order, or any other way of choosing among its layers'
    answers, cannot do better on that row than this."""
    for layer in clf.layers:
        answer = layer.classify(row.features)
        if answer is not None and answer.category is row.label:
            return True
    return False


@dataclass
class VendorCV:
    """Vendor-grouped results: all layers (the built-in knowledge base included), the
    model alone, and the model trained on the database's training vendors alone."""

    full: Evaluation
    model: Evaluation
    strict: Evaluation


def vendor_grouped_cv(
    facts: Sequence[OcdFact],
    sites: Sequence[Labelled],
    *,
    folds: int = 5,
    progress: Progress | None = None,
) -> VendorCV:
    from cookiegov.classification.train import model_answers, train

    result = VendorCV(Evaluation(), Evaluation(), Evaluation())
    reachable = 0
    named = ocd_labelled(facts, names_only=True)
    consensus = SiteConsensus.from_labelled(sites)
    for i, test in enumerate(grouped_folds([r.group for r in named], folds), start=1):
        held = set(test)
        training = [f for j, f in enumerate(facts) if j not in held]
        hosts = _hosts(training)
        ocd = fact_entries(training)
        with_sites = train(
            [*sites, *ocd_training(training)],
            hosts,
            calibrate_on=model_answers([*builtin_cookies(), *ocd]),
        )
        alone = train(ocd_training(training), hosts)
        full = Classifier(ocd=ocd, hosts=hosts, consensus=consensus, model=with_sites)
        only = Classifier(hosts=hosts, model=with_sites, skip=_ALL_BUT_MODEL)
        strict = Classifier(hosts=hosts, model=alone, skip=_ALL_BUT_MODEL)
        for j in test:
            r = named[j]
            for ev, clf in ((result.full, full), (result.model, only), (result.strict, strict)):
                ev.add(r.label, clf.classify_features(r.features), name=r.features.name)
            reachable += any_layer_right(full, r)
        if progress:
            n_vendors = len({named[j].group for j in test})
            progress(f"fold {i}/{folds}: {len(test)} names of {n_vendors} vendors")
    result.full.reachable = reachable
    return result


_ALL_BUT_MODEL = tuple(name for name in LAYER_ORDER if name != "model")


def _hosts(facts: Sequence[OcdFact]) -> HostTable:
    builtin = builtin_hosts()
    extra = [h for h in hosts_from_facts(facts) if builtin.lookup(h.domain) is None]
    return HostTable([*builtin._hosts.values(), *extra])


def features_for(row: dict[str, Any]) -> Features:
    return features_of(parse_row(row))


def cross_validate(
    kind: str,
    path: Path,
    folds: int = 5,
    sites_path: str | Path | None = None,
    progress: Progress | None = None,
) -> str:
    """``kb evaluate --cv sites|vendors``: the grouped cross-validation as a text report."""
    from cookiegov.classification.datasets import read_cookieblock
    from cookiegov.classification.ocd import facts_from_csv, ocd_facts

    if kind == "sites":
        ev = site_grouped_cv(
            read_cookieblock(path), list(ocd_facts()), folds=folds, progress=progress
        )
        return f"{path.name}: {folds}-fold site-grouped cross-validation\n\n" + ev.to_text()
    facts = facts_from_csv(path)
    if not facts:
        raise InputError(f"{path}: no usable rows; is it the Open Cookie Database CSV format?")
    sites = read_cookieblock(Path(sites_path)) if sites_path else []
    v = vendor_grouped_cv(facts, sites, folds=folds, progress=progress)
    parts = [f"{path.name}: {folds}-fold vendor-grouped cross-validation, names only"]
    for title, e in (
        ("all layers (the built-in vendor knowledge base included)", v.full),
        ("learned model alone", v.model),
        ("learned model alone, trained on the other vendors' facts only", v.strict),
    ):
        parts += ["", f"-- {title}", e.to_text(show_wrong=False)]
    return "\n".join(parts)
