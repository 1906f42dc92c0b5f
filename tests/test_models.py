"""The values' own arithmetic, apart from any output that shows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from centralasia_feed.models import Rate


def _rate(value: str) -> Rate:
    return Rate("UZS", "USD", Decimal(value), Decimal(0), "flat", dt.date(2025, 1, 6))


def test_the_inverse_range_is_what_the_written_digits_allow() -> None:
    # 0.00008 is anything from 0.000075 to 0.000085: whole numbers, as ``inverse`` gives them
    assert _rate("0.00008").inverse_range == (Decimal("11764.7"), Decimal("13333.3"))
    assert _rate("0.01150").inverse_range == (Decimal("86.9187"), Decimal("86.9943"))


@pytest.mark.parametrize("value", ["0", "0.000", "-0.5"])
def test_a_rate_of_no_positive_value_has_no_inverse_range(value: str) -> None:
    with pytest.raises(ArithmeticError, match="has no inverse range"):
        _ = _rate(value).inverse_range
