"""`make screenshots` (tests/web/screenshots.py): one state captured against the
session's server, light and dark, at the device's size."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from tests.support import unique_email
from tests.web import screenshots

pytestmark = pytest.mark.usefixtures("chromium_path")


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height, from its header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


async def test_a_state_is_captured_in_both_schemes_at_the_devices_size(
    live_server: str, chromium_path: str, tmp_path: Path
) -> None:
    token = await screenshots.make_demo_account(live_server, unique_email("shots"))
    sign_in = next(s for s in screenshots.STATES if s.name == "01-sign-in")

    files = await screenshots.capture(
        live_server, token, tmp_path, states=(sign_in,), devices=("phone",), chromium=chromium_path
    )

    assert sorted(p.name for p in files) == [
        "01-sign-in-dark-phone.png",
        "01-sign-in-light-phone.png",
    ]
    assert {png_size(p) for p in files} == {(390, 844)}
    assert files[0].read_bytes() != files[1].read_bytes()


async def test_the_index_lists_every_file(tmp_path: Path) -> None:
    files = [tmp_path / "02-chat-light-desktop.png", tmp_path / "01-sign-in-dark-phone.png"]
    for path in files:
        path.write_bytes(b"")

    screenshots.finish(tmp_path, files)

    index = (tmp_path / "README.md").read_text()
    assert index.index("01-sign-in-dark-phone.png") < index.index("02-chat-light-desktop.png")


async def test_a_state_no_longer_made_is_removed(tmp_path: Path) -> None:
    stale = tmp_path / "99-gone-light-phone.png"
    stale.write_bytes(b"")
    kept = tmp_path / "01-sign-in-light-phone.png"
    kept.write_bytes(b"")

    screenshots.finish(tmp_path, [kept])

    assert not stale.exists()
    assert kept.exists()
