"""Pick the NewsMTSC sentences the project labels, deterministically.

Selection only: the cue lists below decide which sentences a person reads, never what label they get.
Favours sentences where someone may take a position (reported speech, verbs of judgement) and, most of all, possible
hedges, keeps a random share of everything else so ``none`` keeps roughly its share in news, and takes at most three
sentences from one source article.

    python labels/select_newsmtsc.py ../shared/datasets/newsmtsc > labels/newsmtsc_selection.csv
"""

import csv
import json
import random
import re
import sys
from pathlib import Path

FILES = ("train.jsonl", "devtest_mt.jsonl", "devtest_rw.jsonl")
HEDGE = re.compile(
    r"declin\w* to|would not (?:say|commit)|wouldn't (?:say|commit)|refus\w* to (?:say|comment|commit|endorse)"
    r"|stopp\w* short|restraint|call\w* for (?:dialogue|calm|talks)|caution\w*|mediat\w*|non-?committal"
    r"|remains to be seen|wait and see|undecided|has not decided|hasn't decided|not ready to|reserv\w* judg"
    r"|neither confirm|no comment|on the fence|both sides|not (?:yet )?endors|hedg\w*|ambivalen\w*|open to"
    r"|declin\w*|would(?:n't| not)|refus\w*|rul\w* out|unsure|not sure|skeptic\w*|reluctan\w*|hesita\w*"
    r"|measured|neutral\w*|compromise|no position|take a position|conditional|only if|as long as|unclear whether",
    re.I,
)
SPEECH = re.compile(
    r"\b(?:said|says|told|according to|accus\w*|critici\w*|prais\w*|blam\w*|slam\w*|urg\w*|warn\w*|defend\w*"
    r"|denounc\w*|condemn\w*|reject\w*|thank\w*|endors\w*|attack\w*|called|vow\w*|insist\w*|argu\w*|support\w*"
    r"|oppos\w*|back\w*|applaud\w*|welcom\w*|dismiss\w*|mock\w*)\b",
    re.I,
)
QUOTAS = {"hedge": 600, "speech": 960, "other": 420}
PER_ARTICLE = 3


def article(gid: str) -> str:
    """The source article of a sentence: ``allsides_<a>_<b>`` or ``polusa_v1_<n>``."""
    parts = gid.split("_")
    return "_".join(parts[:3])


def main(folder: str) -> None:
    rows = []
    for name in FILES:
        with open(Path(folder) / name, encoding="utf-8") as f:
            rows += [json.loads(line) for line in f]
    rng = random.Random(20250622)
    rng.shuffle(rows)
    pools = {"hedge": [], "speech": [], "other": []}
    for row in rows:
        text = row["sentence_normalized"]
        kind = "hedge" if HEDGE.search(text) else "speech" if SPEECH.search(text) else "other"
        pools[kind].append(row["primary_gid"])
    taken, per_article = [], {}
    for kind, quota in QUOTAS.items():
        n = 0
        for gid in pools[kind]:
            if n == quota:
                break
            if per_article.get(article(gid), 0) < PER_ARTICLE:
                per_article[article(gid)] = per_article.get(article(gid), 0) + 1
                taken.append(gid)
                n += 1
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["primary_gid"])
    out.writerows([gid] for gid in sorted(taken))
    print(f"{len(taken)} sentences from {len(per_article)} articles;"
          f" pools: {', '.join(f'{k} {len(v)}' for k, v in pools.items())}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/newsmtsc")
