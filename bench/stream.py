"""Streaming: score one large generated file (default 1 GB) and measure the memory of the whole process tree while
it runs, beside the same measurement on a 16 MB file in the same run. Flat memory means the two peaks are about equal.

    .venv/bin/python bench/stream.py [--model models/stance] [--size-mb 1024] [--jobs 2]

Records go to /dev/null (writing 3 GB of JSONL would measure the disk). Resident memory (RSS) of `stance predict`
and its worker processes is summed from /proc every 0.2 s. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cold_start import stance_command  # noqa: E402
from generate import write_file  # noqa: E402


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def run(path: Path, model: Path, jobs: int) -> dict:
    cmd = [*stance_command(), "predict", str(path), "--model", str(model), "--format", "jsonl", "--jobs", str(jobs)]
    samples = []
    start = time.perf_counter()
    with open("/dev/null", "w") as sink:
        proc = subprocess.Popen(cmd, stdout=sink)
        while proc.poll() is None:
            samples.append((time.perf_counter() - start, tree_rss_mb(proc.pid)))
            time.sleep(0.2)
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"bench/stream.py: {' '.join(cmd)} exited with {proc.returncode}")
    peak = max((m for _, m in samples), default=0.0)
    quarters = [max((m for t, m in samples if q * seconds / 4 <= t < (q + 1) * seconds / 4), default=0.0)
                for q in range(4)]
    return {"mb": round(path.stat().st_size / 2**20), "seconds": round(seconds, 1), "peak_rss_mb": round(peak),
            "peak_by_quarter_mb": [round(q) for q in quarters]}


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/stance")
    ap.add_argument("--size-mb", type=float, default=1024)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--tmp", default=None, help="Folder for the generated files (default: the system temp folder).")
    args = ap.parse_args()
    model = Path(args.model)
    if not (model / "metadata.json").is_file():
        sys.exit(f"bench/stream.py: {model}: no model; run `make train` first")
    rows = {}
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for name, size in (("small", 16), ("large", args.size_mb)):
            path = Path(tmp) / f"{name}.txt"
            write_file(path, int(size * 2**20))
            rows[name] = run(path, model, args.jobs)
            path.unlink()
    ratio = rows["large"]["peak_rss_mb"] / max(rows["small"]["peak_rss_mb"], 1)
    print(f"streaming one file with --jobs {args.jobs} (RSS of the whole process tree)")
    print(f"{'input':>8s} {'seconds':>8s} {'peak MB':>8s}  peak per quarter of the run (MB)")
    for r in rows.values():
        print(f"{r['mb']:6d}MB {r['seconds']:8.1f} {r['peak_rss_mb']:8d}  {r['peak_by_quarter_mb']}")
    print(f"peak ratio large / small: {ratio:.2f}")
    result = {"bench": "stream", "jobs": args.jobs, **rows, "peak_ratio_large_to_small": round(ratio, 3)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
