"""Generated news-like corpora for the speed benchmarks: paragraphs of the three seed articles, shuffled and
re-assembled with a fixed random seed (the same arguments always give the same bytes).

    .venv/bin/python bench/generate.py OUT_DIR --size-mb 8        # a folder of article-sized files
    .venv/bin/python bench/generate.py OUT_FILE --size-mb 1024 --one-file
    .venv/bin/python bench/generate.py OUT_DIR --wikinews ../shared/datasets   # real text: one file per article

``--wikinews`` writes the articles of the public Wikinews dataset (``wikinews/*.csv``, column ``text``) as they are, one
file each: varied news text, where the generated corpus repeats the seeds' sentences. (Dataset text stays out of git.)
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def paragraphs() -> list[str]:
    out = []
    for seed in sorted(SEEDS.glob("*.txt")):
        out.extend(p.strip() for p in seed.read_text(encoding="utf-8").splitlines() if p.strip())
    return out


def articles(size_bytes: int, seed: int = 0):
    """Articles of 8 to 30 paragraphs (one per line, as in the seeds) until ``size_bytes`` of UTF-8 text."""
    rng, pool, written = random.Random(seed), paragraphs(), 0
    while written < size_bytes:
        text = "\n".join(rng.choice(pool) for _ in range(rng.randint(8, 30))) + "\n"
        written += len(text.encode("utf-8"))
        yield text


def write_folder(folder: Path, size_bytes: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for n, text in enumerate(articles(size_bytes), 1):
        (folder / f"{n:06d}.txt").write_text(text, encoding="utf-8")
    return n


def write_wikinews(folder: Path, datasets: Path) -> int:
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for table in sorted((datasets / "wikinews").glob("*.csv")):
        with table.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                n += 1
                (folder / f"{n:06d}.txt").write_text(row["text"], encoding="utf-8")
    return n


def write_file(path: Path, size_bytes: int) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for n, text in enumerate(articles(size_bytes), 1):
            f.write(text + "\n")
    return n


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--size-mb", type=float, default=8)
    ap.add_argument("--one-file", action="store_true")
    ap.add_argument("--wikinews", type=Path, metavar="DATASETS", help="write the Wikinews articles of this datasets "
                    "folder instead")
    a = ap.parse_args()
    if a.wikinews:
        n = write_wikinews(a.out, a.wikinews)
    else:
        n = (write_file if a.one_file else write_folder)(a.out, int(a.size_mb * 2**20))
    print(f"{a.out}: {n} articles")
