"""Settings against cross-source transfer: for the default settings and each change given, grouped 5-fold CV macro F1
on the tuning sentences (the held-out world-news documents left out, as `make train` does) and the macro F1 of a
model trained without each source and scored on it, beside the keyword rule.

    .venv/bin/python bench/transfer.py [--datasets DIR] C=3.0 C=1.0 cues=False "word_ngrams=(1, 1)" min_df=1

Each argument is one change (name=Python literal) from ``stance.evaluate.SEARCH_START``. Prints a table and one JSON
line. This is how the seeds direction (below the keyword rule) was studied: no setting of the grid reaches it.
"""

from __future__ import annotations

import argparse
import ast
import json
import time

import numpy as np

from stance.actors import Registry
from stance.corpus import load_project
from stance.evaluate import SEARCH_START, cross_val_proba, grouped_folds, leave_source_out, scores


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=None)
    ap.add_argument("changes", nargs="*", help="name=value changes from the default settings, one per row")
    args = ap.parse_args(argv)
    s = load_project(".", args.datasets).sentences
    tune = s[~s["heldout"].astype(bool)]
    registry = Registry.load("labels/actors.csv")
    texts, labels, groups, sources = list(tune["text"]), list(tune["label"]), list(tune["group"]), list(tune["source"])
    classes = sorted(set(labels))
    folds = grouped_folds(labels, groups, 5, 0, texts)
    rows, keyword = [], None
    for change in ["default", *args.changes]:
        params = dict(SEARCH_START)
        if change != "default":
            name, value = change.split("=", 1)
            params[name] = ast.literal_eval(value)
        start = time.perf_counter()
        proba = cross_val_proba(texts, labels, folds, params, 0, 2, None, registry)
        cv = scores(labels, [classes[i] for i in proba.argmax(axis=1)], classes)["macro_f1"]
        lso = leave_source_out(texts, labels, sources, params, n_jobs=2, registry=registry)
        keyword = {k: v["keyword"]["macro_f1"] for k, v in lso.items()}
        cross = {k: v["model"]["macro_f1"] for k, v in lso.items()}
        rows.append({"change": change, "cv_macro_f1": round(cv, 4), "cross_source": {k: round(v, 4) for k, v in
                     cross.items()}, "cross_source_mean": round(float(np.mean(list(cross.values()))), 4),
                     "seconds": round(time.perf_counter() - start, 1)})
    names = sorted(keyword)
    print(f"{'setting':24s} {'CV':>6s} {'cross':>6s} " + " ".join(f"{n:>10s}" for n in names))
    print(f"{'keyword rule':24s} {'':6s} {'':6s} " + " ".join(f"{keyword[n]:10.3f}" for n in names))
    for r in rows:
        print(f"{r['change']:24s} {r['cv_macro_f1']:6.3f} {r['cross_source_mean']:6.3f} "
              + " ".join(f"{r['cross_source'][n]:10.3f}" for n in names))
    result = {"bench": "transfer", "keyword": {k: round(v, 4) for k, v in keyword.items()}, "rows": rows}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
