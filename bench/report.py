"""Printing the figures: every measure with the baseline's, the ratio and the target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RSS_LIMIT_MB = 150.0
# "Flat": the second half of the soak adds at most this share to a worker's RSS.
FLAT_GROWTH = 0.05


@dataclass(frozen=True)
class Row:
    """One printed figure: todochat's, the reference's (the raw baseline unless
    `reference` says otherwise), their ratio and whether the target is met (None:
    no target, or nothing to compare with)."""

    measure: str
    todochat: float
    baseline: float | None
    target: str
    met: bool | None
    failed: int = 0
    higher_is_better: bool = True
    show_ratio: bool = True
    unit: str = ""
    reference: str = "baseline"

    @property
    def ratio(self) -> float | None:
        if not self.show_ratio or not self.baseline:
            return None
        return self.todochat / self.baseline

    def as_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "todochat": self.todochat,
            "reference": self.reference,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "target": self.target,
            "met": self.met,
            "failed_requests": self.failed,
        }


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return text + unit


def _count(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _met(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "NO")


def print_rows(rows: list[Row], has_baseline: bool) -> None:
    header = f"{'measure':<38}{'todochat':>10}{'baseline':>10}{'ratio':>8}  {'target':<28}met"
    print(f"\n{header}\n{'-' * len(header)}")
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "—"
        failed = f"   ({row.failed} requests FAILED)" if row.failed else ""
        print(
            f"{row.measure:<38}{_number(row.todochat, row.unit):>10}"
            f"{_number(row.baseline, row.unit):>10}{ratio:>8}  {row.target or '—':<28}"
            f"{_met(row.met)}{failed}"
        )
    notes = {row.reference for row in rows} - {"baseline"}
    for reference in sorted(notes):
        measures = ", ".join(
            row.measure.split(":")[0] for row in rows if row.reference == reference
        )
        print(f"  ({measures}: the baseline column is {reference})")
    if not has_baseline:
        print("  (no raw baseline on this database: todochat's figures alone)")


def print_statements(
    statements: Mapping[str, Mapping[str, Any]],
    targets: Mapping[str, int],
    kinds: Mapping[str, Any],
) -> None:
    header = f"{'statements per request':<38}{'todochat':>10}{'baseline':>10}  {'target':<10}met"
    print(f"\n{header}\n{'-' * len(header)}")
    for kind, sides in statements.items():
        ours = sides.get("todochat", {}).get("per_request")
        raw = sides.get("baseline", {}).get("per_request")
        target = targets.get(kind)
        met = None if target is None or ours is None else ours <= target + 1e-9
        print(
            f"{kind:<38}{_count(ours):>10}{_count(raw):>10}  "
            f"{('≤ ' + str(target)) if target else '—':<10}{_met(met)}"
        )
    print("  todochat's statements by verb (per request):")
    for kind, sides in statements.items():
        by_verb = sides.get("todochat", {}).get("by_verb", {})
        shown = ", ".join(f"{verb} {count:g}" for verb, count in by_verb.items())
        print(f"    {kind:<14} {shown}   [{kinds[kind].description}]")


def soak_verdict(soak: Mapping[str, Any]) -> dict[str, Any]:
    """Per worker: the largest RSS, its growth over the second half, and the verdicts."""
    samples: Mapping[str, Mapping[int, float | None]] = soak["rss_mb"]
    verdicts: dict[str, Any] = {}
    for pid in soak["workers"]:
        values = [samples[mark].get(pid) for mark in ("start", "half", "end")]
        if any(value is None for value in values):
            verdicts[str(pid)] = {"error": "worker exited during the soak"}
            continue
        start, half, end = (float(v or 0) for v in values)
        growth = (end - half) / half if half else 0.0
        verdicts[str(pid)] = {
            "start": start,
            "half": half,
            "end": end,
            "below_limit": max(start, half, end) <= RSS_LIMIT_MB,
            "second_half_growth": growth,
            "flat": growth <= FLAT_GROWTH,
        }
    return verdicts


def print_soak(soak: Mapping[str, Any]) -> None:
    seconds = float(soak["seconds"])
    load = soak["load"]
    failed = sum(load["errors"].values())
    note = f", {failed} requests FAILED" if failed else ""
    print(f"\nRSS per worker, {seconds:.0f} s of mixed load ({load['rate']:.0f} req/s{note})")
    header = (
        f"{'worker':<10}{'start':>10}{f't={seconds / 2:.0f}s':>10}{f't={seconds:.0f}s':>10}"
        f"  {'≤ ' + str(int(RSS_LIMIT_MB)) + ' MB':<10}{'flat (2nd half ≤ +5%)'}"
    )
    print(f"{header}\n{'-' * len(header)}")
    for pid, verdict in soak_verdict(soak).items():
        if "error" in verdict:
            print(f"{pid:<10}{verdict['error']}")
            continue
        print(
            f"{pid:<10}{verdict['start']:>8.0f}MB{verdict['half']:>8.0f}MB{verdict['end']:>8.0f}MB"
            f"  {_met(verdict['below_limit']):<10}{_met(verdict['flat'])} "
            f"({verdict['second_half_growth'] * 100:+.1f}%)"
        )
