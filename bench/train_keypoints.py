"""Train the key-point scorer on the CNN train split and write bot/keypoints/weights.py.

    python -m bench.train_keypoints [--check] [--bbc-weight W]

Reproducible (no randomness): every sentence of the 1,100 train articles (bench/cnn.py), as
newsbot splits and filters them, gets the features of bot/keypoints/features.py and the label
"is in the human gold extract". A logistic regression (numpy, L2-regularised, Newton steps)
learns the weights; then the selection settings (redundancy, long-sentence and dangling-opening
penalties) are chosen by a small grid search for the best mean of ROUGE-1, -2 and -Lsum against
the editors' highlights, on the same train articles. The test split is never read here.
`--check` prints the result without writing the weights file.

`--bbc-weight W` (with `--check`) shows the trade-off between the two data sets: the BBC dev
split's sentences join the training rows, labelled "is in the reference summary" and weighted W
each, and ROUGE is reported on the BBC dev split too (its references are ~44 % of each article
and reward long central sentences; CNN's editors reward the lead).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer

from bench.bbc import load_articles
from bench.cnn import in_gold, load_cnn
from bot.keypoints import KeyPointExtractor
from bot.keypoints.features import FEATURES, Matrix
from bot.keypoints.summarizer import Selection

WEIGHTS = Path(__file__).resolve().parents[1] / "bot" / "keypoints" / "weights.py"
L2 = 1.0
GRID = {
    "redundancy": (1.0,),
    "long": (0.1,),
    "long_from": (25.0,),
    "context": (0.5,),
    "headline": (1.0,),
    # Not tuned: the headline's claim is always a point when a sentence carries 60 % of the
    # title's idf-weighted words. On the train split that costs 0.33 ROUGE-1 against never
    # (2.0): 35.80 / 14.97 / 32.58 against 36.13 / 15.22 / 32.90 (4 Dec 2026).
    "claim": (0.6,),
}


def fit_logistic(
    features: Matrix, labels: Matrix, l2: float = L2, weights: Matrix | None = None
) -> tuple[Matrix, float]:
    """Coefficients and intercept of an L2-regularised logistic regression (Newton's method),
    on standardised features, each row weighted by `weights` (default 1); the coefficients
    returned apply to the raw features."""
    weight = np.ones(len(labels)) if weights is None else weights
    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0.0] = 1.0
    x = np.column_stack([(features - mean) / scale, np.ones(len(features))])
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (weight * (p - labels)) + penalty * w
        hessian = (x.T * (weight * p * (1.0 - p))) @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coefficients = w[:-1] / scale
    return coefficients, float(w[-1] - coefficients @ mean)


@dataclass(frozen=True, slots=True)
class Example:
    """A training article: its reference (what ROUGE compares with) and whether each of
    newsbot's sentences is one the humans chose."""

    id: str
    title: str
    text: str
    reference: str
    chosen: Callable[[str], bool]


def cnn_examples() -> list[Example]:
    """The CNN train split; chosen = in the annotators' gold extract."""
    return [
        Example(a.id, a.title, a.text, "\n".join(a.highlights), partial(in_gold, gold=a.gold))
        for a in load_cnn("train")
    ]


def bbc_examples() -> list[Example]:
    """The BBC dev split; chosen = found in the reference summary."""
    return [
        Example(a.id, a.title, a.text, a.summary, a.summary.__contains__)
        for a in load_articles("dev")
    ]


def training_rows(
    extractor: KeyPointExtractor, examples: Sequence[Example]
) -> tuple[Matrix, Matrix]:
    rows, labels = [], []
    for example in examples:
        code, document = extractor.document(example.title, example.text, "en")
        tools = extractor.tools_for(code)
        rated = tools.summarizer.rate(document, tools.tokenizer.to_words(example.title))
        rows.append(rated.features)
        labels.extend(example.chosen(str(s)) for s in document.sentences)
    return np.vstack(rows), np.array(labels, dtype=np.float64)


_SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
_SCORES: dict[tuple[str, tuple[str, ...]], list[float]] = {}  # settings often agree: score once


def rouge(extractor: KeyPointExtractor, examples: Sequence[Example]) -> tuple[float, ...]:
    """Mean ROUGE-1, -2 and -Lsum F1 x100 of 3 key points against the references."""
    totals = []
    for example in examples:
        points = tuple(extractor.key_points(example.title, example.text, "en", 3))
        key = (example.id, points)
        if key not in _SCORES:
            score = _SCORER.score(example.reference, "\n".join(points))
            _SCORES[key] = [score[k].fmeasure for k in ("rouge1", "rouge2", "rougeLsum")]
        totals.append(_SCORES[key])
    return tuple(100.0 * statistics.fmean(column) for column in zip(*totals, strict=True))


def write_weights(coefficients: Matrix, selection: Selection, path: Path = WEIGHTS) -> None:
    lines = [
        '"""Weights of the key-point scorer: written by `python -m bench.train_keypoints`, do not'
        ' edit."""',
        "",
        "COEFFICIENTS: dict[str, float] = {",
        *(
            f'    "{name}": {value:.4f},'
            for name, value in zip(FEATURES, coefficients, strict=True)
        ),
        "}",
        "SELECTION: dict[str, float] = {",
        *(f'    "{name}": {getattr(selection, name)},' for name in GRID),
        "}",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print, do not write weights.py")
    parser.add_argument(
        "--bbc-weight",
        type=float,
        default=0.0,
        help="also train on the BBC dev split, each sentence weighted this much (needs --check)",
    )
    args = parser.parse_args(argv)
    if args.bbc_weight and not args.check:
        parser.error("--bbc-weight only shows a trade-off: use it with --check")
    articles = cnn_examples()
    extractor = KeyPointExtractor()
    features, labels = training_rows(extractor, articles)
    print(f"{len(articles)} train articles, {len(labels)} sentences, {labels.mean():.1%} gold")
    weights = np.ones(len(labels))
    bbc = bbc_examples() if args.bbc_weight else []
    if bbc:
        bbc_features, bbc_labels = training_rows(extractor, bbc)
        print(
            f"and {len(bbc)} BBC dev articles, {len(bbc_labels)} sentences,"
            f" weight {args.bbc_weight}"
        )
        features = np.vstack([features, bbc_features])
        labels = np.concatenate([labels, bbc_labels])
        weights = np.concatenate([weights, np.full(len(bbc_labels), args.bbc_weight)])
    coefficients, _ = fit_logistic(features, labels, weights=weights)
    for name, value in zip(FEATURES, coefficients, strict=True):
        print(f"  {name:<18} {value:+.3f}", flush=True)
    summarizer = extractor.tools_for("en").summarizer
    summarizer.coefficients = coefficients
    best: tuple[float, Selection] | None = None
    for values in itertools.product(*GRID.values()):
        summarizer.selection = replace(summarizer.selection, **dict(zip(GRID, values, strict=True)))
        scores = rouge(extractor, articles)
        shown = " / ".join(f"{s:.2f}" for s in scores)
        print(f"  {dict(zip(GRID, values, strict=True))}: ROUGE-1/2/Lsum {shown}", flush=True)
        if bbc:
            shown = " / ".join(f"{s:.2f}" for s in rouge(extractor, bbc))
            print(f"    BBC dev ROUGE-1/2/Lsum {shown}", flush=True)
        if best is None or statistics.fmean(scores) > best[0]:
            best = (statistics.fmean(scores), summarizer.selection)
    assert best is not None
    print(f"best selection: {best[1]}")
    if not args.check:
        write_weights(coefficients, best[1])
        print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
