"""Benchmark: the project's machinery on Emergent (Ferreira & Vlachos, NAACL 2016), official train/test split.

    python bench/emergent.py [--datasets DIR]      # DIR holds emergent/; default $STANCE_DATASETS or ../shared/datasets
    python bench/emergent.py --cv-only             # steps 1-2 only (train CV), for tuning: the test split is not read

Task: the stance of a news headline (articleHeadline) toward a claim (claimHeadline): for, against or observing.
Every choice is made on TRAIN ONLY by cross-validation grouped by claimId (no claim is ever on both sides of a split):

1. settings: ``stance.evaluate.search`` (the project's bounded coordinate search, grouped 5-fold CV, macro F1), run
   twice: on the headline with its claim passed as the target (``fit(headlines, labels, targets=claims)``: the
   package's target-aware model, whose text-against-target features, ``stance.features.TargetOverlap``, read the
   headline against its claim; the search then explores ``stance.evaluate.TARGET_GRID``) and on the headline alone
   (no target; ``SEARCH_GRID``);
2. the better of the two by that CV is the headline row, the package's own model as a user would train it;
3. it is fitted once on all of train and scored once on test, beside the published logistic-regression rows,
   the majority class of train and a re-implementation of the published question-mark-only row.

Stdout: the report, then one JSON line with our figures (the last line). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from stance.corpus import datasets_dir, read_table
from stance.evaluate import scores, search
from stance.model import StanceClassifier

SEED = 0
N_JOBS = 2
LABELS = ["for", "against", "observing"]
TRAIN_FILE = "url-versions-2015-06-14-clean-train.csv"
TEST_FILE = "url-versions-2015-06-14-clean-test.csv"
COLUMNS = ["claimHeadline", "articleHeadline", "articleHeadlineStance", "claimId"]

# Test split, logistic regression (Ferreira & Vlachos 2016; authors' repository willferreira/mscproject README).
PUBLISHED = [
    ("F&V 2016 LR: question mark only", 0.504, None),
    ("F&V 2016 LR: + headline bag of words", 0.698, None),
    ("F&V 2016 LR: all features", 0.733, {"for": 0.789, "against": 0.757, "observing": 0.623}),
]

def question_mark_only(train_heads, train_labels, test_heads):
    """Re-implementation of the published first row: plain (unweighted) logistic regression on one feature."""
    from sklearn.linear_model import LogisticRegression

    x = lambda ts: np.array([[float("?" in t)] for t in ts])  # noqa: E731
    return list(LogisticRegression(random_state=SEED).fit(x(train_heads), train_labels).predict(x(test_heads)))


def claim_bootstrap(correct: np.ndarray, groups, n: int = 2000) -> tuple[float, float]:
    """95% interval of test accuracy, resampling whole claims (headlines of one claim are not independent)."""
    groups = np.asarray(groups, dtype=object)
    claims = np.unique(groups)
    hits = np.array([correct[groups == c].sum() for c in claims])
    sizes = np.array([(groups == c).sum() for c in claims])
    rng = np.random.default_rng(SEED)
    draws = rng.integers(0, len(claims), size=(n, len(claims)))
    acc = hits[draws].sum(axis=1) / sizes[draws].sum(axis=1)
    return float(np.percentile(acc, 2.5)), float(np.percentile(acc, 97.5))


def load(path):
    """Headlines, their claims (the targets), labels and claim ids of one split file."""
    frame = read_table(path, COLUMNS)
    frame = frame[frame["articleHeadline"].str.strip() != ""]
    unknown = set(frame["articleHeadlineStance"]) - set(LABELS)
    if unknown:
        raise SystemExit(f"{path}: unexpected labels {sorted(unknown)}")
    return (frame["articleHeadline"].tolist(), frame["claimHeadline"].astype(str).tolist(),
            frame["articleHeadlineStance"].tolist(), frame["claimId"].tolist())


def _fmt(x):
    return "   -  " if x is None else f"{x:6.3f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", help="folder holding emergent/ (default: $STANCE_DATASETS or ../shared/datasets)")
    ap.add_argument("--cv-only", action="store_true",
                    help="search on train, print the grouped CV figures and stop: the test split is not read (tuning)")
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    start = time.perf_counter()
    root = datasets_dir(args.datasets) / "emergent"
    train_heads, train_claims, train_labels, groups = load(root / TRAIN_FILE)
    log(f"train {len(train_heads)} headlines / {len(set(groups))} claims")

    # 1. settings search (project machinery), grouped by claim, with the claim as each headline's target and without
    candidates = []
    for form, targets in (("target", train_claims), ("headline", None)):
        t = time.perf_counter()
        found = search(train_heads, train_labels, groups, random_state=SEED, n_jobs=N_JOBS, targets=targets)
        classes = sorted(set(train_labels))
        accuracy = float(np.mean(np.array(classes)[found.pop("proba").argmax(axis=1)] == np.array(train_labels)))
        candidates.append({"text": form, "params": found["chosen"], "macro_f1": found["macro_f1"],
                           "accuracy": round(accuracy, 4), "tried": found["tried"]})
        log(f"search, {form}: {len(found['tried'])} settings in {time.perf_counter() - t:.0f}s, "
            f"CV macro F1 {found['macro_f1']:.3f}, accuracy {accuracy:.3f}: {found['chosen']}")
    # 2. the headline row: the better of the two by grouped CV on train
    best = max(candidates, key=lambda c: c["macro_f1"])
    if args.cv_only:
        print(f"Emergent, grouped 5-fold CV on TRAIN only ({len(train_heads)} headlines / {len(set(groups))} claims; "
              "the test split is not read)")
        print(f"  {'what the package model reads':44s} {'CV macro F1':>11s} {'CV acc':>6s}")
        for c in candidates:
            form = "headline, claim as its target" if c["text"] == "target" else "headline alone"
            print(f"  {form:44s} {c['macro_f1']:11.3f} {c['accuracy']:6.3f}" + ("  <- chosen" if c is best else ""))
            for tried in c["tried"]:
                print(f"      {tried['macro_f1']:.4f}  {tried['params']}")
        print(json.dumps({"benchmark": "emergent", "cv_only": True, "text": best["text"], "params": {
            k: list(v) if isinstance(v, tuple) else v for k, v in best["params"].items()},
            "cv_macro_f1": best["macro_f1"], "cv_accuracy": best["accuracy"],
            "seconds": round(time.perf_counter() - start, 1)}, sort_keys=True))
        return 0
    test_heads, test_claims, test_labels, test_groups = load(root / TEST_FILE)
    log(f"test {len(test_heads)} headlines")

    # 3. one fit on all of train, one score on test
    use = best["text"] == "target"
    model = StanceClassifier(**best["params"], random_state=SEED).fit(train_heads, train_labels,
                                                                       targets=train_claims if use else None)
    proba = np.zeros((len(test_heads), len(LABELS)))
    proba[:, [LABELS.index(str(k)) for k in model.classes_]] = model.predict_proba(test_heads,
                                                                                   test_claims if use else None)
    ours = scores(test_labels, [LABELS[i] for i in proba.argmax(axis=1)], LABELS, proba)
    values, counts = np.unique(train_labels, return_counts=True)
    majority_label = str(values[np.argmax(counts)])
    majority = scores(test_labels, [majority_label] * len(test_labels), LABELS)
    qmark = scores(test_labels, question_mark_only(train_heads, train_labels, test_heads), LABELS)
    ci = claim_bootstrap(np.array([LABELS[i] for i in proba.argmax(axis=1)]) == np.array(test_labels), test_groups)
    elapsed = time.perf_counter() - start

    counts_test = {c: test_labels.count(c) for c in LABELS}
    print(f"Emergent, official split: train {len(train_heads)} headlines / {len(set(groups))} claims, "
          f"test {len(test_heads)} ({', '.join(f'{c} {n}' for c, n in counts_test.items())})")
    print("\nModel choice by grouped 5-fold CV on TRAIN (groups = claimId; settings from stance.evaluate.search):")
    print(f"  {'what the package model reads':44s} {'CV macro F1':>11s}")
    for c in candidates:
        form = "headline, claim as its target" if c["text"] == "target" else "headline alone"
        print(f"  {form:44s} {c['macro_f1']:11.3f}" + ("  <- chosen" if c is best else ""))
    print(f"  settings: {best['params']}")

    print("\nTest split (scored once):")
    print(f"  {'':44s} {'acc':>6s} {'F1 for':>6s} {'F1 ag.':>6s} {'F1 obs':>6s} {'macroF1':>7s}")
    for name, acc, f1 in PUBLISHED:
        f1 = f1 or {}
        macro = float(np.mean(list(f1.values()))) if f1 else None
        print(f"  {name:44s} {_fmt(acc)} " + " ".join(_fmt(f1.get(c)) for c in LABELS) + f" {_fmt(macro)}"
              + ("*" if macro is not None else ""))
    rows = [(f"majority class of train ({majority_label})", majority),
            ("ours: question mark only (plain LR, bench)", qmark),
            ("ours: the package's model (headline row)", ours)]
    for name, s in rows:
        print(f"  {name:44s} {_fmt(s['accuracy'])} " + " ".join(_fmt(s["per_class"][c]["f1"]) for c in LABELS)
              + f" {_fmt(s['macro_f1'])}")
    print("  * macro F1 of the published row = mean of its published per-class F1 (not published itself)")
    print(f"  ours minus published all-features accuracy: {ours['accuracy'] - 0.733:+.3f}; our accuracy, 95% "
          f"interval resampling the {len(set(test_groups))} test claims: {ci[0]:.3f}-{ci[1]:.3f}")
    print(f"  test ECE {ours['ece']:.3f}, Brier {ours['brier']:.3f}; run time {elapsed:.0f}s")
    print(json.dumps({
        "benchmark": "emergent", "split": "official train/test", "n_test": len(test_heads),
        "accuracy": ours["accuracy"], "accuracy_ci95_by_claim": [round(ci[0], 4), round(ci[1], 4)],
        "f1": {c: ours["per_class"][c]["f1"] for c in LABELS},
        "macro_f1": ours["macro_f1"], "ece": ours["ece"], "brier": ours["brier"],
        "text": best["text"], "bar": 0.784,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in best["params"].items()},
        "cv_macro_f1": best["macro_f1"],
        "majority_accuracy": majority["accuracy"], "question_mark_only_accuracy": qmark["accuracy"],
        "published_accuracy": 0.733, "beats_published_accuracy": ours["accuracy"] > 0.733,
        "seconds": round(elapsed, 1),
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
