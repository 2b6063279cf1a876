"""One rule for "a fraction or a count" wherever a size is given."""

import pytest

from fflux_studio.sizes import parse_size, parse_sizes, size_count, size_value


@pytest.mark.parametrize("value, expected", [(0.25, 0.25), (40, 40), (40.0, 40), (1, 1), (1.0, 1)])
def test_fractions_and_whole_counts_are_accepted(value, expected):
    assert size_value(value) == expected and type(size_value(value)) is type(expected)


@pytest.mark.parametrize("value", [0, 0.0, -3, 1.5, 2.5, float("nan"), True, "12", None])
def test_anything_else_is_refused_with_the_name_of_the_size(value):
    with pytest.raises(ValueError, match="subset must be a fraction"):
        size_value(value, "subset")


def test_text_is_read_by_the_same_rule():
    assert parse_size("0.1") == 0.1 and parse_size("200") == 200 and parse_size("2e2") == 200
    assert parse_sizes("50, 100; 0.5") == [50, 100, 0.5]
    for text in ("2.5", "ten", ""):
        with pytest.raises(ValueError):
            parse_sizes(text, "training-set size")


def test_a_fraction_counts_at_least_one():
    assert size_count(0.25, 100) == 25 and size_count(0.001, 100) == 1 and size_count(7, 100) == 7
