"""labels/emergent_labels.py refuses readers' files that break the label format, and labels/select_emergent.py keeps
a story's headlines on one side of the split."""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "labels"))
from emergent_labels import problems  # noqa: E402
from select_emergent import split_of  # noqa: E402


def _row(i, holder="", code="", target="", tcode="", stance="none"):
    return {"id": i, "holder": holder, "holder_code": code, "target": target, "target_code": tcode, "stance": stance}


def test_readers_rows_that_break_the_format_are_each_reported():
    rows = {"e:1": [_row("e:1", "Russia", "RUS", "Ukraine", "UKR", "condemn")],
            "e:2": [_row("e:2", "Russia", "RUS")],  # none with a holder
            "e:3": [_row("e:3", "Obama", "", stance="support")],  # no holder code
            "e:4": [_row("e:4", stance="angry")],
            "e:5": [_row("e:5", "Iran", "IRN", "Hamas", "", "support")],  # a target without its code
            "e:9": [_row("e:9")]}  # not selected
    found = problems(rows, ["e:1", "e:2", "e:3", "e:4", "e:5"], "x.csv")
    assert [p.split(": ")[1] for p in found] == ["e:9", "e:2", "e:3", "e:4", "e:5"]
    assert problems({"e:1": rows["e:1"]}, ["e:1"], "x.csv") == []


def test_the_committed_selection_keeps_each_story_on_one_side():
    with (ROOT / "labels" / "emergent_selection.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    sides = {}
    for r in rows:
        assert r["split"] == split_of(r["claim"])
        sides.setdefault(r["claim"], set()).add(r["split"])
    assert all(len(s) == 1 for s in sides.values())
    assert 0.3 < sum(r["split"] == "heldout" for r in rows) / len(rows) < 0.7
