"""Training time and peak memory of the default model (`stance train` on the project's labels, the command behind
`make train`), into a temporary folder so the project's model is left alone.

    .venv/bin/python bench/train_time.py [--datasets ../shared/datasets] [--jobs 2] [--compare /tmp/base]

Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cold_start import checkout_command, stance_command  # noqa: E402


def _train(command: list[str], datasets: str, jobs: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the command and the workers it waited for) and sentences of one `stance train`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([*command, "train", "--out", str(Path(tmp) / "model"), "--datasets", datasets,
                        "--jobs", str(jobs)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        meta = json.loads((Path(tmp) / "model" / "metadata.json").read_text())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu, sum(meta.get("label_counts", {}).values())


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=os.environ.get("STANCE_DATASETS", "../shared/datasets"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--compare", type=Path, help="another checkout (git worktree add /tmp/base <commit>): its code "
                    "trains too, after ours, for a before/after ratio in one run")
    args = ap.parse_args()
    seconds, cpu, n = _train(stance_command(), args.datasets, args.jobs)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest single process, MB (ours)
    load = os.getloadavg()[0]
    print(f"{'command':40s} {'seconds':>8s} {'CPU s':>8s} {'peak MB':>8s}  (1-min load {load:.1f} on "
          f"{os.cpu_count()} cores)")
    print(f"{'stance train (search + CV + fit)':40s} {seconds:8.1f} {cpu:8.1f} {peak:8.0f}")
    result = {"bench": "train_time", "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
              "peak_rss_mb": round(peak), "jobs": args.jobs, "sentences": n, "load": round(load, 1)}
    if args.compare:
        base_seconds, base_cpu, _ = _train(checkout_command(args.compare), args.datasets, args.jobs)
        print(f"{'same, code of ' + args.compare.name:40s} {base_seconds:8.1f} {base_cpu:8.1f} {'':>8s}")
        print(f"ratio (ours / theirs): wall {seconds / base_seconds:.2f}, CPU {cpu / base_cpu:.2f}")
        result.update({"compare": str(args.compare), "compare_seconds": round(base_seconds, 1),
                       "compare_cpu_seconds": round(base_cpu, 1), "ratio": round(seconds / base_seconds, 2),
                       "cpu_ratio": round(cpu / base_cpu, 2)})
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
