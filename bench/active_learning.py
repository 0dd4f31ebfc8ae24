"""Does asking about uncertain sentences first save labels? A simulated `stance label` loop on the project's labels.

The project's labelled sentences (labels/seeds.csv + labels/newsmtsc.csv, via ``stance.corpus.load_project``) are split
by article: a quarter of the articles are held out for evaluation, the rest is the pool. Both strategies start from
the same random ``--start`` labels, then ask ``--step`` more per round (the gold label answers) until ``--max``: by
uncertainty (smallest margin between the two most probable stances, as ``stance label`` does) or at random. After each
round the model (StanceClassifier, default settings) is refitted and scored on the held-out articles (macro F1).
Repeated over ``--repeats`` seeds (different pools and starts); the mean curve is drawn to an SVG (and a PNG when
headless chromium is on the PATH). Prints a table and one JSON line with the labels saved: how many fewer labels
uncertainty sampling needs to reach the random curve's final score.

    python bench/active_learning.py --datasets ../shared/datasets
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance import StanceClassifier  # noqa: E402
from stance.corpus import load_project  # noqa: E402


def macro_f1(y_true, y_pred, labels) -> float:
    f1s = []
    for c in labels:
        tp = sum(t == c and p == c for t, p in zip(y_true, y_pred))
        fp = sum(t != c and p == c for t, p in zip(y_true, y_pred))
        fn = sum(t == c and p != c for t, p in zip(y_true, y_pred))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


def split(groups, seed: int):
    """Indices of pool and held-out sentences: a quarter of the articles (by a seeded hash) held out."""
    test = [int(hashlib.sha1(f"{seed}:{g}".encode()).hexdigest()[:8], 16) % 4 == 0 for g in groups]
    return [i for i, t in enumerate(test) if not t], [i for i, t in enumerate(test) if t]


def margin_uncertainty(proba: np.ndarray) -> np.ndarray:
    top = -np.sort(-proba, axis=1)
    return 1.0 - (top[:, 0] - top[:, 1])


def simulate(texts, labels, pool, test, strategy, seed, start, step, top) -> list[tuple[int, float]]:
    rng = np.random.default_rng(seed)
    classes = sorted(set(labels))
    order = list(rng.permutation(pool))
    labelled = order[:start]
    rest = order[start:]
    curve = []
    while True:
        y = [labels[i] for i in labelled]
        clf = StanceClassifier().fit([texts[i] for i in labelled], y)
        pred = [p.label for p in clf.predict([texts[i] for i in test])]
        curve.append((len(labelled), macro_f1([labels[i] for i in test], pred, classes)))
        if len(labelled) >= top or not rest:
            return curve
        if strategy == "uncertainty":
            u = margin_uncertainty(clf.predict_proba([texts[i] for i in rest]))
            pick = set(np.argsort(-u, kind="stable")[:step].tolist())
        else:
            pick = set(range(min(step, len(rest))))  # rest is already in random order
        labelled = labelled + [rest[j] for j in sorted(pick)]
        rest = [r for j, r in enumerate(rest) if j not in pick]


def saved_labels(unc, rnd) -> int | None:
    """Labels uncertainty saves: random's last size minus the first size at which uncertainty reaches random's final
    score (None: it never does)."""
    target = rnd[-1][1]
    for n, f in unc:
        if f >= target:
            return rnd[-1][0] - n
    return None


def svg(curves: dict[str, list[tuple[int, float]]], title: str) -> str:
    w, h, left, bottom, top, right = 900, 600, 70, 60, 50, 30
    xs = [n for c in curves.values() for n, _ in c]
    ys = [f for c in curves.values() for _, f in c]
    x0, x1 = min(xs), max(xs)
    y0, y1 = max(0.0, min(ys) - 0.05), min(1.0, max(ys) + 0.05)
    X = lambda n: left + (n - x0) / max(x1 - x0, 1) * (w - left - right)  # noqa: E731
    Y = lambda f: h - bottom - (f - y0) / max(y1 - y0, 1e-9) * (h - top - bottom)  # noqa: E731
    colors = {"uncertainty": "#c0392b", "random": "#2c3e50"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" '
             f'font-size="14"><rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{w / 2}" y="28" text-anchor="middle" font-size="17">{title}</text>',
             f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="#333"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#333"/>',
             f'<text x="{w / 2}" y="{h - 15}" text-anchor="middle">labels used</text>',
             f'<text transform="translate(20,{h / 2}) rotate(-90)" text-anchor="middle">macro F1 (held-out articles)'
             '</text>']
    for k in range(6):
        f = y0 + (y1 - y0) * k / 5
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{Y(f):.1f}" y2="{Y(f):.1f}" stroke="#eee"/>'
                     f'<text x="{left - 8}" y="{Y(f) + 5:.1f}" text-anchor="end">{f:.2f}</text>')
    for n in sorted(set(xs))[:: max(1, len(set(xs)) // 10)]:
        parts.append(f'<text x="{X(n):.1f}" y="{h - bottom + 20}" text-anchor="middle">{n}</text>')
    for i, (name, c) in enumerate(curves.items()):
        pts = " ".join(f"{X(n):.1f},{Y(f):.1f}" for n, f in c)
        parts.append(f'<polyline fill="none" stroke="{colors.get(name, "#888")}" stroke-width="2.5" points="{pts}"/>')
        parts += [f'<circle cx="{X(n):.1f}" cy="{Y(f):.1f}" r="3" fill="{colors.get(name, "#888")}"/>' for n, f in c]
        parts.append(f'<text x="{w - right - 150}" y="{h - bottom - 20 - 22 * i}" fill="{colors.get(name, "#888")}">'
                     f'— {name}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=None, help="dataset folder (default: $STANCE_DATASETS or ../shared/datasets)")
    ap.add_argument("--start", type=int, default=40)
    ap.add_argument("--step", type=int, default=40)
    ap.add_argument("--max", type=int, default=480)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "bench" / "active_learning.svg"))
    a = ap.parse_args()
    t0 = time.perf_counter()
    corpus = load_project(ROOT, a.datasets)
    for note in corpus.notes:
        print(note, file=sys.stderr)
    s = corpus.sentences
    texts, labels, groups = list(s["text"]), list(s["label"]), list(s["group"])
    runs = {"uncertainty": [], "random": []}
    for seed in range(a.repeats):
        pool, test = split(groups, seed)
        for strategy in runs:
            runs[strategy].append(simulate(texts, labels, pool, test, strategy, seed, a.start, a.step, a.max))
        print(f"seed {seed}: pool {len(pool)}, held-out {len(test)} sentences; {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
    n_points = min(len(r) for rs in runs.values() for r in rs)
    mean = {k: [(rs[0][i][0], float(np.mean([r[i][1] for r in rs]))) for i in range(n_points)] for k, rs in runs.items()}
    saved = saved_labels(mean["uncertainty"], mean["random"])
    print(f"{'labels':>7}  {'uncertainty':>11}  {'random':>7}")
    for (n, fu), (_, fr) in zip(mean["uncertainty"], mean["random"]):
        print(f"{n:>7}  {fu:>11.3f}  {fr:>7.3f}")
    out = Path(a.out)
    out.write_text(svg(mean, f"Active learning on {len(texts)} project sentences: mean of {a.repeats} splits"),
                   encoding="utf-8")
    png = None
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser:
        png = out.with_suffix(".png")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}",
                        "--window-size=900,600", out.resolve().as_uri()], capture_output=True, timeout=120)
    print(f"plot: {out}" + (f", {png}" if png else " (no chromium on the PATH: SVG only)"), file=sys.stderr)
    print(json.dumps({"bench": "active_learning", "sentences": len(texts), "repeats": a.repeats, "start": a.start,
                      "step": a.step, "max": mean["random"][-1][0],
                      "final_macro_f1": {k: round(v[-1][1], 4) for k, v in mean.items()},
                      "labels_saved_to_reach_random_final": saved, "seconds": round(time.perf_counter() - t0, 1)}))


if __name__ == "__main__":
    main()
