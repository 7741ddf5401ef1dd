from __future__ import annotations

import pytest

from deliberations.numbering import check_gapless, format_number, next_sequence, parse_number

BODY_PATTERN = "{year}/{short}{seq:05d}"
SEED_PATTERN = "{year}/PMA{seq:05d}"


@pytest.mark.parametrize("pattern", [BODY_PATTERN, SEED_PATTERN])
def test_format_seed_number(pattern: str) -> None:
    assert format_number(pattern, year=2023, short="PMA", seq=192) == "2023/PMA00192"


def test_format_number_beyond_the_padding() -> None:
    assert format_number(BODY_PATTERN, year=2031, short="PMA", seq=123456) == "2031/PMA123456"


def test_format_number_with_another_body() -> None:
    assert format_number("{short}-{year}-{seq:03d}", year=2024, short="SIVOM", seq=7) == (
        "SIVOM-2024-007"
    )


@pytest.mark.parametrize("pattern", [BODY_PATTERN, SEED_PATTERN])
def test_parse_seed_number(pattern: str) -> None:
    assert parse_number(pattern, "2023/PMA00192", short="PMA") == (2023, 192)


def test_parse_runs_across_years() -> None:
    assert parse_number(BODY_PATTERN, "2024/PMA00195", short="PMA") == (2024, 195)


@pytest.mark.parametrize(
    "number",
    ["2023/PMA192", "2023/CALL00192", "2023-PMA00192", "2023/PMA00192 ", "", "23/PMA00192"],
)
def test_parse_refuses_numbers_not_written_with_the_pattern(number: str) -> None:
    assert parse_number(BODY_PATTERN, number, short="PMA") is None


def test_parse_older_four_digit_numbers_with_their_own_pattern() -> None:
    # The seed cites « 2017/PMA0043 », numbered with four digits at the time
    assert parse_number(BODY_PATTERN, "2017/PMA0043", short="PMA") is None
    assert parse_number("{year}/{short}{seq:04d}", "2017/PMA0043", short="PMA") == (2017, 43)


def test_parse_pattern_without_year() -> None:
    assert parse_number("{short}-{seq}", "PMA-12", short="PMA") == (0, 12)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{year}/{short}", "il manque {seq}"),
        ("{year}/{short}{num:05d}", "champ « {num} » inconnu"),
        ("{year}/{short}{seq:05d", "accolades mal appariées"),
        ("{year}/{short}{seq!r}", "non pris en charge"),
        ("{year}/{}{seq}", "champ « {} » inconnu"),
    ],
)
def test_invalid_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("}", r"\}")):
        format_number(pattern, year=2023, short="PMA", seq=1)
    with pytest.raises(ValueError):
        parse_number(pattern, "2023/PMA00001", short="PMA")


def test_sequence_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positif"):
        format_number(BODY_PATTERN, year=2023, short="PMA", seq=0)


def test_next_sequence() -> None:
    assert next_sequence(None) == 1
    assert next_sequence(192) == 193
    with pytest.raises(ValueError, match="négatif"):
        next_sequence(-1)


def test_gapless_sequence_has_no_missing_number() -> None:
    assert check_gapless([192, 193, 194]) == []
    assert check_gapless([]) == []


def test_missing_numbers_are_listed() -> None:
    assert check_gapless([197, 192, 193, 195, 193]) == [194, 196]


def test_missing_numbers_from_a_start() -> None:
    assert check_gapless([3, 4], start=1) == [1, 2]
