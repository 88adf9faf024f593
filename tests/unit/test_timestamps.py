"""Session timestamps on the public wire: ISO-8601 UTC, three-digit milliseconds, a `Z`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checkout.domain.clock import iso_from_ms


def test_a_timestamp_shows_its_milliseconds_in_three_digits() -> None:
    assert iso_from_ms(1_795_545_398_005) == "2026-11-24T18:36:38.005Z"


def test_a_whole_second_shows_zero_milliseconds() -> None:
    assert iso_from_ms(1_795_545_398_000) == "2026-11-24T18:36:38.000Z"


@pytest.mark.parametrize(
    "epoch_ms",
    [0, 999, 951_782_400_000, 1_830_297_599_999, 1_830_297_600_000, 4_102_444_799_123, 253_402_300_799_999],
    ids=[
        "epoch",
        "last-ms-of-first-second",
        "leap-day-2000",
        "last-ms-of-2027",
        "first-ms-of-2028",
        "2099",
        "9999",
    ],
)
def test_a_timestamp_reads_as_the_standard_library_writes_the_same_instant(epoch_ms: int) -> None:
    moment = datetime.fromtimestamp(epoch_ms // 1000, tz=UTC).replace(microsecond=epoch_ms % 1000 * 1000)
    assert iso_from_ms(epoch_ms) == moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
