"""Distributed scoring: `stance predict` with --jobs 1, --jobs 2 (joblib) and --scheduler local --jobs 2 (a Dask
LocalCluster of two worker processes writing partition files), on generated corpora of several sizes, in one run.

    .venv/bin/python bench/cluster.py [--model models/stance] [--sizes-mb 11.25,22.5,45]

Each corpus is a folder of article-sized files made by bench/generate.py (seed paragraphs reshuffled, fixed seed);
1 MB holds about 9,100 sentences, 112.5 MB a million (`--sizes-mb 22.5,67.5,225` goes to two million: about 45
minutes on a quiet 2-core machine; the default sizes fit a loaded one). Every command runs as a subprocess, end to end: start-up (and for Dask the
cluster's start-up), reading, scoring, writing every record (JSONL to a file; the Dask run's partition files under
--out). Memory: resident memory (RSS) of every process of the command's tree, from /proc every 0.25 s; "per worker"
is the largest peak of one scoring process (the command itself for --jobs 1, else the largest child). CPU: user +
system seconds of the command and every process it waited for (its workers), which a loaded machine disturbs far
less than wall time: the cost per sentence, and what two processes spend beyond one. The three
outputs are compared byte for byte (the Dask partition files read in order): a difference stops the bench. Prints a
table and one JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cold_start import stance_command  # noqa: E402
from generate import write_folder  # noqa: E402


def tree_rss_kb(pid: int) -> dict[int, int]:
    """Resident memory (KB) of a process and each of its descendants (Linux /proc)."""
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            out[p] = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return out


def run(cmd: list[str], stdout) -> dict:
    """Wall time, peak RSS of the whole tree and of its largest scoring process, stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    total_peak, per_pid = 0, {}
    stderr = []
    reader = threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True)
    reader.start()
    while proc.poll() is None:
        sizes = tree_rss_kb(proc.pid)
        total_peak = max(total_peak, sum(sizes.values()))
        for p, kb in sizes.items():
            per_pid[p] = max(per_pid.get(p, 0), kb)
        time.sleep(0.25)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and every process it waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    reader.join()
    err = b"".join(stderr).decode(errors="replace")
    if proc.returncode:
        sys.exit(f"bench/cluster.py: {' '.join(cmd)} exited with {proc.returncode}: {err[-2000:]}")
    children = [kb for p, kb in per_pid.items() if p != proc.pid]
    worker = max(children) if children else per_pid.get(proc.pid, 0)
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_total_mb": total_peak / 1024,
            "peak_worker_mb": worker / 1024, "stderr": err}


def sha256_of(paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/stance")
    ap.add_argument("--sizes-mb", default="11.25,22.5,45", help="Corpus sizes (MB of text), comma-separated.")
    ap.add_argument("--tmp", default=None, help="Folder for corpora and outputs (default: the system temp folder).")
    args = ap.parse_args()
    model = Path(args.model)
    if not (model / "metadata.json").is_file():
        sys.exit(f"bench/cluster.py: {model}: no model; run `make train` first")
    load = os.getloadavg()
    sizes = [float(s) for s in args.sizes_mb.split(",")]
    stance = [*stance_command(), "predict"]
    results = []
    print(f"distributed scoring, load average before the run {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"({os.cpu_count()} cores); outputs identical byte for byte in every row (checked before printing it)")
    print(f"{'corpus':>22s} {'command':30s} {'seconds':>8s} {'sent/s':>7s} {'x 1 proc':>8s} {'CPU s':>7s} "
          f"{'CPU s/100k':>10s} {'CPU / 1 proc':>12s} {'peak/worker':>11s} {'peak all':>8s}", flush=True)
    for size in sizes:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            corpus = Path(tmp) / "corpus"
            n_docs = write_folder(corpus, int(size * 2**20))
            common = [str(corpus), "--model", str(model)]
            rows = {}
            digests = {}
            for name, jobs in (("--jobs 1", 1), ("--jobs 2 (joblib)", 2)):
                out = Path(tmp) / f"out{jobs}.jsonl"
                with out.open("wb") as f:
                    rows[name] = run([*stance, *common, "--format", "jsonl", "--jobs", str(jobs)], f)
                with out.open("rb") as f:
                    n = sum(1 for _ in f)
                digests[name] = sha256_of([out])
                out.unlink()
            out_dir = Path(tmp) / "dask-out"
            name = "Dask LocalCluster, 2 workers"
            rows[name] = run([*stance_command(), "-v", "predict", *common, "--scheduler", "local", "--jobs", "2",
                              "--out", str(out_dir)], subprocess.DEVNULL)
            manifest = json.loads((out_dir / "_manifest.json").read_text())
            digests[name] = sha256_of(out_dir / p for p in manifest["parts"])
            reported = [line for line in rows[name]["stderr"].splitlines() if "workers' peak memory" in line]
            rows[name]["workers_report"] = reported[-1].partition("memory: ")[2] if reported else ""
            shutil.rmtree(out_dir)
            if len(set(digests.values())) != 1:
                sys.exit(f"bench/cluster.py: outputs differ at {size:g} MB: {digests}")
            base = rows["--jobs 1"]["seconds"]
            for r in rows.values():
                r.pop("stderr")
                r["sentences_per_s"] = n / r["seconds"]
                r["ratio_to_1_process"] = base / r["seconds"]
            results.append({"size_mb": size, "documents": n_docs, "sentences": n, "same_output": True,
                            "output_sha256": digests["--jobs 1"], "rows": rows})
            res = results[-1]
            for name, r in res["rows"].items():
                r["cpu_s_per_100k"] = r["cpu_seconds"] / res["sentences"] * 1e5
                r["cpu_ratio_to_1_process"] = r["cpu_seconds"] / res["rows"]["--jobs 1"]["cpu_seconds"]
                print(f"{res['sentences']:>9,} sent {res['size_mb']:>6g} MB {name:30s} {r['seconds']:8.1f} "
                      f"{r['sentences_per_s']:7.0f} {r['ratio_to_1_process']:8.2f} {r['cpu_seconds']:7.1f} "
                      f"{r['cpu_s_per_100k']:10.1f} {r['cpu_ratio_to_1_process']:12.2f} {r['peak_worker_mb']:9.0f}MB "
                      f"{r['peak_total_mb']:6.0f}MB" + (f"  (workers say: {r['workers_report']})"
                                                        if r.get("workers_report") else ""), flush=True)
    result = {"bench": "distributed", "load_average": [round(x, 2) for x in load], "cores": os.cpu_count(),
              "sizes": [{**res, "rows": {k: {kk: (round(vv, 3) if isinstance(vv, float) else vv)
                                                  for kk, vv in v.items()} for k, v in res["rows"].items()}}
                        for res in results]}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
