"""Only Skatteverket's test number 19121212-1212 and variants derived from it appear here.

Variants that must be *valid* (samordningsnummer) get their check digit from `luhn`
below, an independent implementation, instead of a hard-coded number that could be
someone's. Leap days are shown to pass the date check by giving them a wrong check
digit and expecting the checksum error, so no valid number for a real date is made.
"""
import re
from datetime import date

import pytest

from avvikelse.core.personnummer import (
    PersonnummerError,
    birth_date,
    is_samordningsnummer,
    parse,
)

TODAY = date(2025, 6, 1)
TEST_NUMBER = "191212121212"


def luhn(nine: str) -> str:
    """Check digit by the textbook rule: the 10 digits' Luhn sum must end in 0."""

    def luhn_sum(digits: str) -> int:
        total = 0
        for offset, char in enumerate(reversed(digits)):
            doubled = int(char) * (2 if offset % 2 else 1)
            total += doubled - 9 if doubled > 9 else doubled
        return total

    return next(str(d) for d in range(10) if luhn_sum(nine + str(d)) % 10 == 0)


def wrong_check(nine: str) -> str:
    return str((int(luhn(nine)) + 1) % 10)


def test_luhn_helper_agrees_with_the_published_test_number():
    assert luhn("121212121") == "2"


@pytest.mark.parametrize(
    "value",
    [
        "19121212-1212",
        "191212121212",
        "  19121212-1212\t",
        "\n191212121212\n",
        "121212+1212",
    ],
)
def test_accepted_forms_give_the_canonical_number(value):
    assert parse(value, TODAY) == TEST_NUMBER


@pytest.mark.parametrize(
    ("value", "today", "expected"),
    [
        # The latest century in which the birth date is not in the future.
        ("121212-1212", date(2012, 12, 12), "201212121212"),
        ("1212121212", date(2012, 12, 12), "201212121212"),
        ("121212-1212", date(2012, 12, 11), "191212121212"),
        ("121212-1212", TODAY, "201212121212"),
        # `+`: 100 years or older, one century further back still.
        ("121212+1212", date(2012, 12, 12), "191212121212"),
        ("121212+1212", date(2012, 12, 11), "181212121212"),
        ("121212+1212", TODAY, "191212121212"),
    ],
)
def test_ten_digits_get_their_century_from_today(value, today, expected):
    assert parse(value, today) == expected


def test_parse_is_idempotent():
    canonical = parse("121212+1212", TODAY)
    assert parse(canonical, TODAY) == canonical


FULL_WIDTH = "１９１２１２１２－１２１２"
ARABIC_INDIC = "١٩١٢١٢١٢١٢١٢"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "19121212-121",
        "1912121212121",
        "91212-1212",
        "19121212 1212",
        "19121212--1212",
        "19121212–1212",  # en dash
        "1912-12-12-1212",
        "19121212+1212",  # the century is explicit; a `+` would contradict it
        "19121212-1212x",
        "19121212-1212\x00",
        "ÅÅÅÅMMDD-NNNN",
        FULL_WIDTH,
        ARABIC_INDIC,
        "１９１２１２１２１２１２",
    ],
)
def test_format_errors(value):
    with pytest.raises(PersonnummerError) as caught:
        parse(value, TODAY)
    assert caught.value.code == "format"
    assert str(caught.value) == "Ange personnummer med 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN."


def test_unicode_digits_are_refused_although_isdigit_accepts_them():
    assert ARABIC_INDIC.isdigit()
    with pytest.raises(PersonnummerError):
        parse(ARABIC_INDIC, TODAY)


@pytest.mark.parametrize(
    ("value", "today"),
    [
        ("19121312-1212", TODAY),  # month 13
        ("19120012-1212", TODAY),  # month 0
        ("19121232-1212", TODAY),  # day 32
        ("19121200-1212", TODAY),  # day 0
        ("19120230-1212", TODAY),  # 30 February
        ("19130229-1212", TODAY),  # 1913 is no leap year
        ("19000229-1212", TODAY),  # divisible by 100, not by 400
        ("121312-1212", TODAY),
        ("000229+1212", TODAY),  # + puts it in 1900
        ("19121260-1212", TODAY),  # samordning day 0
        ("19121292-1212", TODAY),  # samordning day 32
        ("19120290-1212", TODAY),  # samordning 30 February
        ("20121212-1212", date(2012, 12, 11)),  # born tomorrow
    ],
)
def test_date_errors(value, today):
    with pytest.raises(PersonnummerError) as caught:
        parse(value, today)
    assert caught.value.code == "date"


def test_impossible_date_has_its_own_message():
    with pytest.raises(PersonnummerError) as caught:
        parse("19121232-1212", TODAY)
    assert str(caught.value) == "Datumet i personnumret finns inte."


@pytest.mark.parametrize(
    ("date_part", "today"),
    [
        ("19120229", TODAY),  # 1912 is a leap year
        ("20000229", TODAY),  # divisible by 400
        ("000229", TODAY),  # 10 digits: 2000
        ("19120289", TODAY),  # samordningsnummer on a leap day
        ("20121212", date(2012, 12, 12)),  # born today
    ],
)
def test_real_dates_pass_the_date_check(date_part, today):
    nine = date_part[-6:] + "121"
    with pytest.raises(PersonnummerError) as caught:
        parse(f"{date_part}-121{wrong_check(nine)}", today)
    assert caught.value.code == "checksum"


@pytest.mark.parametrize("check_digit", [d for d in "0123456789" if d != "2"])
def test_every_wrong_check_digit_is_caught(check_digit):
    with pytest.raises(PersonnummerError) as caught:
        parse(f"19121212-121{check_digit}", TODAY)
    assert caught.value.code == "checksum"
    assert str(caught.value) == "Kontrollsiffran stämmer inte – kontrollera numret."


def test_swapped_digits_are_caught():
    with pytest.raises(PersonnummerError) as caught:
        parse("19121212-1221", TODAY)
    assert caught.value.code == "checksum"


SAMORDNING_NINE = "121272121"
SAMORDNING = f"1912{SAMORDNING_NINE[2:6]}{SAMORDNING_NINE[6:]}{luhn(SAMORDNING_NINE)}"


def test_samordningsnummer_is_accepted_and_recognised():
    canonical = parse(f"{SAMORDNING[:8]}-{SAMORDNING[8:]}", TODAY)
    assert canonical == SAMORDNING
    assert is_samordningsnummer(canonical)
    assert birth_date(canonical) == date(1912, 12, 12)


def test_ten_digit_samordningsnummer_gets_a_century():
    assert parse(f"{SAMORDNING[2:8]}+{SAMORDNING[8:]}", TODAY) == SAMORDNING


def test_personnummer_is_not_samordningsnummer():
    assert not is_samordningsnummer(TEST_NUMBER)
    assert birth_date(TEST_NUMBER) == date(1912, 12, 12)


@pytest.mark.parametrize(
    ("value", "today"),
    [
        ("19121212-121", TODAY),
        ("19121232-1212", TODAY),
        ("20121212-1212", date(2012, 12, 11)),
        ("19121212-1213", TODAY),
        ("121212-1213", TODAY),
    ],
)
def test_errors_never_repeat_the_number(value, today):
    with pytest.raises(PersonnummerError) as caught:
        parse(value, today)
    error = caught.value
    assert isinstance(error, ValueError)
    # "10 eller 12 siffror" is fine; any run of three or more digits is not.
    assert re.search(r"[0-9]{3}", str(error)) is None
    assert re.search(r"[0-9]{3}", repr(error.args)) is None
