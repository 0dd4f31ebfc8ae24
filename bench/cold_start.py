"""Cold start: wall time of `stance predict` on a one-sentence file, beside two baselines run in the same process.

    .venv/bin/python bench/cold_start.py [--model models/stance] [--runs 15] [--compare CHECKOUT]

Baselines: `python -c "import sklearn, joblib"` (what any scikit-learn tool pays before doing anything) and a bare
script that joblib-loads the pipeline and calls predict_proba on the sentence (what the shortest possible tool would
do). ``--compare`` adds `stance predict` run from another checkout's code (a before/after in the same rounds). Each
command runs --runs times, alternating, after one warm-up run each (so every command finds the files in the
page cache). Prints a table (median, min, max, ratio to the bare script) and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import sys, joblib
pipe = joblib.load(sys.argv[1])
print(pipe.predict_proba([open(sys.argv[2], encoding="utf-8").read()]))
"""


def stance_command() -> list[str]:
    script = Path(sys.executable).with_name("stance")
    return [str(script)] if script.exists() else [sys.executable, "-m", "stance"]


def checkout_command(checkout: Path) -> list[str]:
    """`stance` as another checkout's code has it (e.g. ``git worktree add /tmp/base main``), run by this Python
    (``-P``: the current folder's ``stance`` does not shadow it): a before/after in one run."""
    return ["env", f"PYTHONPATH={checkout.resolve()}", sys.executable, "-P", "-c",
            "import sys; sys.argv[0] = 'stance'; from stance.cli import main; main()"]


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/stance")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--compare", type=Path, help="also time `stance predict` of the code in this checkout")
    args = ap.parse_args()
    model = Path(args.model)
    if not (model / "metadata.json").is_file():
        sys.exit(f"bench/cold_start.py: {model}: no model; run `make train` first")
    with tempfile.TemporaryDirectory() as tmp:
        sentence = Path(tmp) / "one.txt"
        sentence.write_text("Russia condemned the strikes on Iran as a violation of international law.\n", encoding="utf-8")
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        commands = {
            "import sklearn, joblib": [sys.executable, "-c", "import sklearn, joblib"],
            "bare joblib load + predict_proba": [sys.executable, str(bare), str(model / "pipeline.joblib"), str(sentence)],
            "stance predict (one sentence)": [*stance_command(), "predict", str(sentence), "--model", str(model),
                                              "--format", "jsonl"],
        }
        if args.compare:
            commands[f"same, code of {args.compare.name}"] = [*checkout_command(args.compare), "predict", str(sentence),
                                                             "--model", str(model), "--format", "jsonl"]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(args.runs + 1):
            for name, cmd in commands.items():
                start = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                if round_:  # round 0 warms the page cache
                    times[name].append(time.perf_counter() - start)
    bare_median = statistics.median(times["bare joblib load + predict_proba"])
    rows = {name: {"median_s": round(statistics.median(t), 4), "min_s": round(min(t), 4), "max_s": round(max(t), 4),
                   "ratio_to_bare": round(statistics.median(t) / bare_median, 3)} for name, t in times.items()}
    print(f"cold start, {args.runs} runs each (seconds)")
    print(f"{'command':36s} {'median':>7s} {'min':>7s} {'max':>7s} {'/ bare':>7s}")
    for name, r in rows.items():
        print(f"{name:36s} {r['median_s']:7.3f} {r['min_s']:7.3f} {r['max_s']:7.3f} {r['ratio_to_bare']:7.2f}")
    result = {"bench": "cold_start", "runs": args.runs, **{k: v for k, v in rows.items()}}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
