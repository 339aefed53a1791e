"""The corpus's pass rates, outside pytest: `python -m tests.agent.report`.

Runs every case of tests/agent/corpus.py as the test does (a fresh migrated SQLite
database each, copied from one migrated template), then prints each category's
passed/total and every failure with what was expected and what the agent did.
`-q` prints the rates alone; `-c CATEGORY` (repeatable) runs those categories only.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from tests.agent.corpus import CASES, Case
from tests.agent.test_corpus import (
    SETS,
    Turn,
    case_ids,
    converse,
    describe,
    harms,
    judge,
    set_cases,
)
from tests.support import make_settings, sqlite_url
from todochat import migrate
from todochat.db import Database, create_engine


@dataclass(frozen=True)
class Result:
    case_id: str
    case: Case
    problems: list[str]
    details: str
    harms: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


async def _migrated_template(path: Path) -> None:
    """A migrated SQLite file, as tests/conftest.py's `sqlite_template` makes it."""
    engine = create_engine(make_settings(sqlite_url(path)))
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def _run_one(template: Path, workdir: Path, case_id: str, case: Case) -> Result:
    path = workdir / f"{case_id}.db"
    shutil.copyfile(template, path)
    database = Database(make_settings(sqlite_url(path)))
    try:
        turn = await converse(database, case)
    except Exception:
        problem = "crashed: " + traceback.format_exc().strip().splitlines()[-1]
        turn = Turn("", ())
        return Result(case_id, case, [problem], describe(case, turn, [problem]), [])
    finally:
        await database.dispose()
        path.unlink(missing_ok=True)
    problems = judge(case, turn)
    return Result(case_id, case, problems, describe(case, turn, problems), harms(case, turn))


async def run_cases(cases: tuple[Case, ...] = CASES) -> list[Result]:
    """Every case, in table order, each on a database of its own."""
    ids = case_ids(cases)
    chosen = list(zip(ids, cases, strict=True))
    with tempfile.TemporaryDirectory(prefix="todochat-corpus-") as tmp:
        workdir = Path(tmp)
        template = workdir / "template.db"
        await _migrated_template(template)
        return [await _run_one(template, workdir, case_id, case) for case_id, case in chosen]


def pass_rates(results: list[Result]) -> dict[str, tuple[int, int]]:
    """Category → (passed, total), in the order categories first appear."""
    rates: dict[str, tuple[int, int]] = {}
    for result in results:
        passed, total = rates.get(result.case.category, (0, 0))
        rates[result.case.category] = (passed + result.passed, total + 1)
    return rates


def format_rates(rates: dict[str, tuple[int, int]]) -> str:
    width = max([len(name) for name in rates] + [5])
    lines = [
        f"{name:<{width}}  {p:>3}/{t:<3}  {100 * p / t:5.1f}%" for name, (p, t) in rates.items()
    ]
    passed = sum(p for p, _ in rates.values())
    total = sum(t for _, t in rates.values())
    lines.append(
        f"{'total':<{width}}  {passed:>3}/{total:<3}  {100 * passed / max(total, 1):5.1f}%"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-q", "--quiet", action="store_true", help="print the pass rates only")
    parser.add_argument("-c", "--category", action="append", help="run this category only")
    parser.add_argument(
        "-s", "--set", action="append", help=f"one of {', '.join(SETS)} (default: every set)"
    )
    options = parser.parse_args()
    for name in options.set or SETS:
        cases = tuple(
            c for c in set_cases(name) if not options.category or c.category in options.category
        )
        results = asyncio.run(run_cases(cases))
        if not options.quiet:
            for result in results:
                if not result.passed:
                    print(f"FAIL {name}-{result.case_id}\n{result.details}\n")
        harmful = [r for r in results if r.harms]
        print(f"== {name}\n{format_rates(pass_rates(results))}")
        print(f"harmful turns (wrong task, unintended delete, saved wrong): {len(harmful)}")
        for result in harmful:
            print(f"  HARM {name}-{result.case_id}: {'; '.join(result.harms)}")


if __name__ == "__main__":
    main()
