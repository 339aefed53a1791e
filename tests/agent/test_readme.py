"""The README's list of what the built-in agent understands is checked against the test
sets: every example is a phrasing of one of them (so it runs in test_corpus), and none
is a known gap."""

from __future__ import annotations

import re
from pathlib import Path

from tests.agent.test_corpus import KNOWN_GAPS, SETS, case_ids, set_cases

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_examples() -> list[tuple[str, ...]]:
    """Each example line's phrasings: "*a* then *b*" is a conversation of two turns."""
    text = README.read_text()
    block = text.split("<!-- agent-examples")[1].split("<!-- /agent-examples -->")[0]
    lines = [line for line in block.splitlines() if line.startswith("- ")]
    return [tuple(re.findall(r"\*([^*]+)\*", line.split(" — ")[0])) for line in lines]


def test_the_readme_lists_examples() -> None:
    assert len(readme_examples()) >= 15


def test_every_readme_example_is_a_passing_case_of_the_test_sets() -> None:
    cases = {
        case.say: f"{name}-{case_id}"
        for name in SETS
        for case_id, case in zip(case_ids(set_cases(name)), set_cases(name), strict=True)
    }
    missing = [said for said in readme_examples() if said not in cases]
    gaps = [said for said in readme_examples() if cases.get(said) in KNOWN_GAPS]
    assert missing == [], "README examples that no test set holds"
    assert gaps == [], "README examples the agent does not get right yet"
