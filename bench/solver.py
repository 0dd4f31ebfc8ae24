"""The logistic regression's solver: newton-cg (the package's) against lbfgs, on the default model's features of the
tuning sentences, one thread, as `StanceClassifier.fit` runs it: CPU seconds, iterations and the penalised objective
(lower is nearer the optimum), with the ratio.

    .venv/bin/python bench/solver.py [--datasets DIR]

Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from stance.actors import Registry
from stance.corpus import load_project
from stance.evaluate import SEARCH_START
from stance.features import build_pipeline
from stance.model import masker_for


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=None)
    args = ap.parse_args(argv)
    from sklearn.linear_model import LogisticRegression
    from sklearn.utils.class_weight import compute_sample_weight
    from threadpoolctl import threadpool_limits

    s = load_project(".", args.datasets).sentences
    tune = s[~s["heldout"].astype(bool)]
    texts, labels = list(tune["text"]), list(tune["label"])
    pipe = build_pipeline(SEARCH_START, 0, masker=masker_for(Registry.load("labels/actors.csv")))
    x = pipe.named_steps["features"].fit_transform(texts)
    template = pipe.named_steps["classifier"]
    weights, y = compute_sample_weight("balanced", labels), np.array(labels)
    out = {}
    with threadpool_limits(limits=1):
        for solver in ("newton-cg", "lbfgs"):
            clf = LogisticRegression(**{**template.get_params(), "solver": solver})
            start = time.process_time()
            clf.fit(x, labels)
            cpu = time.process_time() - start
            p = clf.predict_proba(x)[np.arange(len(y)), np.searchsorted(clf.classes_, y)]
            objective = float((weights * -np.log(p)).sum() + (clf.coef_ ** 2).sum() / (2 * clf.C))
            out[solver] = {"cpu_seconds": round(cpu, 3), "iterations": int(clf.n_iter_.max()),
                           "objective": round(objective, 3)}
    print(f"{'solver':10s} {'CPU s':>7s} {'iterations':>10s} {'objective':>11s}  ({x.shape[0]} sentences, "
          f"{x.shape[1]} features, C {template.C:g})")
    for solver, r in out.items():
        print(f"{solver:10s} {r['cpu_seconds']:7.2f} {r['iterations']:10d} {r['objective']:11.2f}")
    ratio = out["newton-cg"]["cpu_seconds"] / out["lbfgs"]["cpu_seconds"]
    print(f"ratio newton-cg / lbfgs, CPU: {ratio:.2f}")
    result = {"bench": "solver", **out, "ratio": round(ratio, 3)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
