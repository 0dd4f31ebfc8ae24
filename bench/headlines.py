"""The trained model's stance on real news headlines no model was trained on: the Emergent headlines of
labels/emergent.csv (picked by labels/select_emergent.py, labelled by readers under labels/GUIDELINES.md; they are not
training data), the primary stance of each, per half (``dev``, ``heldout``: by story), beside the keyword rule of
``stance.evaluate.KeywordBaseline`` and the majority class. Holder and target finding on the same headlines is in
bench/holders.py (the ``emergent`` rows).

    .venv/bin/python bench/headlines.py [--model models/stance] [--datasets DIR]

Prints a table (macro F1, accuracy, per-class F1) and one JSON line.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import pandas as pd

from stance import StanceClassifier
from stance.corpus import datasets_dir, emergent_headlines
from stance.evaluate import KeywordBaseline, scores
from stance.text import normalize

CLASSES = ["condemn", "hedge", "none", "support"]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/stance")
    ap.add_argument("--datasets", help="folder holding emergent/ (default: $STANCE_DATASETS or ../shared/datasets)")
    args = ap.parse_args(argv)
    if not Path("labels/emergent.csv").is_file():
        raise SystemExit("labels/emergent.csv: not found (run from the project root)")
    labels = pd.read_csv("labels/emergent.csv", dtype=str, keep_default_na=False).drop_duplicates("id")
    split = dict(pd.read_csv("labels/emergent_selection.csv", dtype=str)[["id", "split"]].values)
    text = {i: normalize(h) for i, _, _, h in emergent_headlines(datasets_dir(args.datasets) / "emergent")}
    texts, truth = [text[i] for i in labels["id"]], list(labels["stance"])
    model = [p.label for p in StanceClassifier.load(args.model).predict(texts)]
    keyword = KeywordBaseline().predict(texts)
    majority = Counter(truth).most_common(1)[0][0]
    out = {}
    print(f"{'emergent headlines (primary stance)':36s} {'n':>4s} {'macroF1':>8s} {'acc':>6s}  "
          + " ".join(f"{c:>8s}" for c in CLASSES))
    for half in ("dev", "heldout", "all"):
        idx = [k for k, i in enumerate(labels["id"]) if half == "all" or split[i] == half]
        y = [truth[k] for k in idx]
        for name, pred in (("model", model), ("keyword rule", keyword), (f"majority ({majority})", None)):
            p = [pred[k] for k in idx] if pred is not None else [majority] * len(idx)
            s = scores(y, p, CLASSES)
            out[f"{half} {name}"] = {"n": s["n"], "macro_f1": s["macro_f1"], "accuracy": s["accuracy"],
                                     "f1": {c: s["per_class"][c]["f1"] for c in CLASSES},
                                     "support": {c: s["per_class"][c]["support"] for c in CLASSES}}
            print(f"{half + ' ' + name:36s} {s['n']:4d} {s['macro_f1']:8.3f} {s['accuracy']:6.3f}  "
                  + " ".join(f"{s['per_class'][c]['f1']:8.3f}" for c in CLASSES))
    support = out["all model"]["support"]
    print("labels (all): " + ", ".join(f"{c} {support[c]}" for c in CLASSES))
    print(json.dumps({"bench": "headlines", "model": args.model, **out}))
    return out


if __name__ == "__main__":
    main()
