"""Training time and peak memory of the default model (`stance train` on the project's labels, the command behind
`make train`), into a temporary folder so the project's model is left alone.

    .venv/bin/python bench/train_time.py [--datasets ../shared/datasets] [--jobs 2]

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
from cold_start import stance_command  # noqa: E402


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=os.environ.get("STANCE_DATASETS", "../shared/datasets"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([*stance_command(), "train", "--out", str(Path(tmp) / "model"), "--datasets", args.datasets,
                        "--jobs", str(args.jobs)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        meta = json.loads((Path(tmp) / "model" / "metadata.json").read_text())
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss / 1024  # largest single process, MB
    cpu = usage.ru_utime + usage.ru_stime  # CPU seconds of the command and the workers it waited for: less load-bound
    n = sum(meta.get("label_counts", {}).values())
    load = os.getloadavg()[0]
    print(f"{'command':34s} {'seconds':>8s} {'CPU s':>8s} {'peak MB':>8s}  (1-min load {load:.1f} on "
          f"{os.cpu_count()} cores)")
    print(f"{'stance train (search + CV + fit)':34s} {seconds:8.1f} {cpu:8.1f} {peak:8.0f}")
    result = {"bench": "train_time", "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
              "peak_rss_mb": round(peak), "jobs": args.jobs, "sentences": n, "load": round(load, 1)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
