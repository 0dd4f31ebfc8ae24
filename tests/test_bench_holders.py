"""bench/holders.py's interval: the goal figures on small held-out parts are printed with it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from holders import _wilson  # noqa: E402


def test_the_wilson_interval_is_wide_on_few_sentences_and_stays_inside_zero_and_one():
    lo, hi = _wilson(12, 22)  # 0.545 on 22 sentences
    assert (lo, hi) == (0.347, 0.731)
    assert _wilson(900, 1000)[1] - _wilson(900, 1000)[0] < 0.04
    assert _wilson(22, 22)[1] == 1.0 and _wilson(0, 22)[0] == 0.0
    assert _wilson(0, 0) == (0.0, 0.0)
