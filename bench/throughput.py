"""Throughput: sentences per second scoring a generated corpus end to end (read, split, score, find holders, write
JSONL), with one and two processes, beside the bare ``pipeline.predict_proba`` on the same pre-split sentences in the
same run.

    .venv/bin/python bench/throughput.py [--model models/stance] [--size-mb 8 | --corpus FOLDER] [--compare CHECKOUT]

The corpus is a folder of article-sized files made by bench/generate.py (seed paragraphs reshuffled, fixed seed).
`stance predict` runs as a subprocess, so its figure includes start-up and writing every record. The bare figure
excludes loading and splitting and writes nothing (it does mask actors, for a model that does). ``--compare`` also runs
the code of another checkout on the same corpus (a before/after in one run). Every run must write the same bytes.
Prints a table and one JSON line.
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
from cold_start import checkout_command, stance_command  # noqa: E402
from generate import write_folder  # noqa: E402


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/stance")
    ap.add_argument("--size-mb", type=float, default=8)
    ap.add_argument("--corpus", type=Path, help="score this folder of .txt files instead of a generated corpus (the "
                    "generated one repeats the seeds' 122 sentences)")
    ap.add_argument("--compare", type=Path, help="also run `stance predict` of the code in this checkout (a "
                    "before/after in one run; its output must be the same)")
    args = ap.parse_args()
    import joblib

    from stance.text import split_sentences

    model = Path(args.model)
    if not (model / "metadata.json").is_file():
        sys.exit(f"bench/throughput.py: {model}: no model; run `make train` first")
    with tempfile.TemporaryDirectory() as tmp:
        if args.corpus:
            corpus, n_docs = args.corpus, len(list(args.corpus.glob("*.txt")))
        else:
            corpus = Path(tmp) / "corpus"
            n_docs = write_folder(corpus, int(args.size_mb * 2**20))
        sentences = [s.text for f in sorted(corpus.glob("*.txt")) for s in split_sentences(f.read_text("utf-8"))]
        n = len(sentences)
        pipe = joblib.load(model / "pipeline.joblib")
        start = time.perf_counter()
        pipe.predict_proba(sentences)
        bare = n / (time.perf_counter() - start)
        rows = {"bare pipeline.predict_proba (1 core)": {"sentences_per_s": round(bare), "ratio_to_bare": 1.0}}
        runs = [("", stance_command())] + ([(f", code of {args.compare.name}", checkout_command(args.compare))]
                                           if args.compare else [])
        first = None
        for jobs in (1, 2):
            for label, command in runs:
                out = Path(tmp) / f"out{jobs}{len(label)}.jsonl"
                start = time.perf_counter()
                with out.open("w") as f:
                    subprocess.run([*command, "predict", str(corpus), "--model", str(model), "--format", "jsonl",
                                    "--jobs", str(jobs)], check=True, stdout=f)
                seconds = time.perf_counter() - start
                with out.open() as f:
                    scored = sum(1 for _ in f)
                if scored != n:
                    sys.exit(f"bench/throughput.py: stance predict wrote {scored} records for {n} sentences")
                if first is None:
                    first = out.read_bytes()
                elif out.read_bytes() != first:
                    sys.exit(f"bench/throughput.py: --jobs {jobs}{label} wrote other records than --jobs 1")
                rate = n / seconds
                rows[f"stance predict --jobs {jobs}{label}"] = {"sentences_per_s": round(rate),
                                                               "ratio_to_bare": round(rate / bare, 3)}
    what = f"files of {args.corpus}" if args.corpus else f"generated articles ({args.size_mb:g} MB)"
    print(f"throughput on {n} sentences in {n_docs} {what}")
    print(f"{'path (stance predict: end to end)':48s} {'sent/s':>8s} {'/ bare':>7s}")
    for name, r in rows.items():
        print(f"{name:48s} {r['sentences_per_s']:8d} {r['ratio_to_bare']:7.2f}")
    result = {"bench": "throughput", "sentences": n, "documents": n_docs, **rows}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
