"""`python -m benchmarks import`: `motcua import-dossiers` of N lines (default 10,000).

Uses the HTTP benchmark's database and world (`benchmarks.http`: 16 communes, one procedure).
Each run imports a fresh file (half the lines carry their own code, received over five days,
as in the functional test `test_bulk_import_spans_batches_and_a_second_run_changes_nothing`),
then imports it again (every line recognised, nothing written). The baseline, in the same run:
Django's `bulk_create` (batches of 1,000) of the same dossier rows, copied under new codes —
the ORM's cost of storing them, without the import's validation, due dates and events.
The dossiers stay in the database (its event table is append-only): 2 × lines × runs rows in
commune BH01 per invocation, which the http bench's intake and look-up do not read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from typing import Any

from benchmarks.http import DEFAULT_URL, OUT, prepare


def _lines(unit_code: str, procedure: str, n: int, tag: str) -> list[str]:
    lines = []
    for i in range(n):
        obj: dict[str, Any] = {
            "unit": unit_code,
            "procedure": procedure,
            "channel": "counter",
            "applicant": {"name": f"Người nộp {tag}-{i}", "id_number": "001090012345"},
            "received_at": f"2025-03-{10 + i % 5:02d}T{8 + i % 8:02d}:{i % 60:02d}:00",
        }
        if i % 2:
            obj["code"] = f"IMP{tag}-{i:05d}"
        lines.append(json.dumps(obj, ensure_ascii=False))
    return lines


def _one_run(n: int, run: int) -> dict[str, float]:
    from django.db import transaction

    from benchmarks.http_app import PREFIX
    from motcua.dossiers.importing import IMPORT_ACTION, import_dossiers
    from motcua.dossiers.models import Dossier

    tag = f"{time.strftime('%y%m%d%H%M%S')}{run}"  # the database outlives the runs
    lines = _lines(f"{PREFIX}01", "BH.000001", n, tag)
    started = time.perf_counter()
    source = f"bench-{tag}"
    summary = import_dossiers(lines, source=source)
    imported = time.perf_counter() - started
    assert summary.created == n, summary
    started = time.perf_counter()
    again = import_dossiers(lines, source=source)
    reimported = time.perf_counter() - started
    assert again.unchanged == n, again
    rows = list(
        Dossier.objects.filter(events__action=IMPORT_ACTION, events__payload__source=source)
    )
    assert len(rows) == n, len(rows)
    for d in rows:
        d.pk = None
        d.code = f"B{d.code}"
    started = time.perf_counter()
    with transaction.atomic():
        Dossier.objects.bulk_create(rows, batch_size=1000)
    baseline = time.perf_counter() - started
    return {"import_s": imported, "reimport_s": reimported, "bulk_create_s": baseline}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks import")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_HTTP_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    prepare(args.database_url, None)
    runs = [_one_run(args.lines, r) for r in range(args.runs)]
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "lines": args.lines,
        "runs": runs,
        "median": medians,
        "ratio_import_to_bulk_create": round(medians["import_s"] / medians["bulk_create_s"], 2),
    }
    OUT.mkdir(exist_ok=True)
    path = OUT / f"import-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"{'path':<44} {'median s':>9} {'ratio':>7}")
    base = medians["bulk_create_s"]
    for key, label in (
        ("bulk_create_s", f"bulk_create of the {args.lines:,} rows (baseline)"),
        ("import_s", f"import-dossiers, {args.lines:,} new lines"),
        ("reimport_s", "the same file again (all unchanged)"),
    ):
        print(f"{label:<44} {medians[key]:>9.2f} {medians[key] / base:>7.2f}")
    print(f"JSON: {path}")
    return 0
