"""The HTTP benchmark's summary (benchmarks/http.py): medians over rounds, each ratio taken
within its own round, the goals of issue 7 judged on the medians. No server is started here."""

from __future__ import annotations

from typing import Any

from benchmarks.http import render, summarise


def _phase(req_s: float, p99: float) -> dict[str, Any]:
    return {
        "req_s": req_s,
        "p50_ms": p99 / 2,
        "p99_ms": p99,
        "non_2xx": 0,
        "checkpoints_during": 0,
        "socket_errors": "",
    }


def _round(trivial: float, intake: float, p99: float, lookup: float) -> dict[str, Any]:
    return {
        "trivial": _phase(trivial, 12.0),
        "intake": _phase(intake, p99),
        "lookup": _phase(lookup, 20.0),
        "insert": _phase(trivial / 2, 20.0),
    }


def _report(*rounds: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = {
        "runs": list(rounds),
        "seconds": 6,
        "connections": 16,
        "hooks": "eager",
        "load_before": 1.0,
        "load_after": 2.0,
    }
    summarise(report)
    return report


def test_ratios_are_taken_within_each_round_then_the_median() -> None:
    # The machine slows down in round 2: the intake keeps 13 % of the trivial view in every
    # round, while the ratio of the medians (400 / 3000) would say 13.3 %.
    report = _report(
        _round(3000, 390, 40, 900),
        _round(2000, 260, 60, 600),
        _round(3100, 403, 45, 930),
    )
    assert report["ratios"]["intake/trivial"] == 0.13
    assert report["ratios"]["lookup/trivial"] == 0.3
    assert report["intake"]["req_s"] == 390 and report["intake"]["p99_ms"] == 45
    assert report["goals"]["intake"] == {"ratio": True, "p99": True}
    assert report["goals"]["lookup"] == {"ratio": True}


def test_goals_not_met_are_said() -> None:
    report = _report(_round(3000, 330, 55, 600))
    assert report["goals"]["intake"] == {"ratio": False, "p99": False}
    assert report["goals"]["lookup"] == {"ratio": False}
    text = render(report)
    assert "intake ≥ 12% of trivial: NOT met, p99 < 50 ms: NOT met" in text
    assert "lookup ≥ 25% of trivial: NOT met" in text
    assert "48.5 ms for the intake" in text  # 16 connections ÷ 330 req/s
    assert "round 1: trivial 3000/s" in text
