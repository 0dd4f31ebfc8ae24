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


def test_a_readers_code_for_an_actor_the_registry_lacks_is_the_one_scored():
    import pandas as pd

    from stance.actors import Registry

    from holders import _coder  # noqa: E402

    registry = Registry.load(Path(__file__).resolve().parent.parent / "labels" / "actors.csv")
    part = pd.DataFrame({"holder": ["James Foley's mother", "Russia"], "holder_code": ["USA", "RUS"],
                         "target": ["Islamic State", ""], "target_code": ["", ""]})
    code = _coder(part, registry)
    assert code("James Foley's mother") == "USA"  # the reader's code, not the name standing for itself
    assert code("Islamic State") == "ISIS"  # no code given: the registry's
    assert code("Someone Unknown") == "Someone Unknown"
    assert _coder(part.drop(columns=["holder_code", "target_code"]), registry)("James Foley's mother") \
        == "James Foley's mother"  # tables without code columns: as before
