"""URL parameters: good values are kept, anything else is dropped with a notice and never reaches a query."""

from qcity.analysis import filters
from qcity.analysis.filters import Options, Selection, parse, to_query

OPTIONS = Options(2016, 2025, ("430102", "430104"), ("food-catering", "food-dairy"))


def test_a_full_link_is_read_back():
    query = {"from": ["2020"], "to": ["2022"], "district": ["430104,430102"], "sector": ["food-dairy"], "lang": ["en"]}
    selection, notices = parse(query, OPTIONS)
    assert selection == Selection(2020, 2022, ("430104", "430102"), ("food-dairy",), "en")
    assert notices == []


def test_round_trip_through_the_url():
    selection = Selection(2018, 2024, ("430102",), ("food-catering", "food-dairy"), "zh")
    query = {key: [value] for key, value in to_query(selection).items()}
    assert parse(query, OPTIONS) == (selection, [])


def test_defaults_and_short_links():
    selection, notices = parse({}, OPTIONS)
    assert selection == Selection(2016, 2025, (), (), "zh") and notices == []
    assert to_query(selection) == {"from": "2016", "to": "2025", "lang": "zh"}


def test_repeated_parameters_and_duplicates():
    selection, _ = parse({"district": ["430102", "430104", "430102"]}, OPTIONS)
    assert selection.districts == ("430102", "430104")


def test_hostile_values_are_dropped_with_notices():
    query = {
        "from": ["99999"],
        "to": ["' OR 1=1 --"],
        "district": ["430104,999999,'; drop table inspections; --"],
        "sector": ["x" * 10_000],
        "lang": ["fr"],
        "evil": ["1"],
    }
    selection, notices = parse(query, OPTIONS)
    assert selection == Selection(2016, 2025, ("430104",), (), "zh")
    reasons = sorted(n.reason for n in notices)
    assert reasons == sorted(
        [
            "url.bad_year",
            "url.bad_year",
            "url.unknown_district",
            "url.unknown_district",
            "url.unknown_sector",
            "url.bad_lang",
            "url.unknown_key",
        ]
    )
    long_value = next(n for n in notices if n.key == "sector").value
    assert len(long_value) == 41 and long_value.endswith("…")  # echoed back bounded
    text = next(n for n in notices if n.key == "lang").text("en")
    assert text == "Link parameter `lang=fr` ignored: language must be zh or en."


def test_control_characters_are_not_echoed():
    _, notices = parse({"district": ["\x1b[31m\x00bad\n"]}, OPTIONS)
    assert notices[0].value == "[31mbad"


def test_non_ascii_digits_are_not_years():
    selection, notices = parse({"from": ["２０２０"]}, OPTIONS)  # full-width digits pass str.isdigit()
    assert selection.year_from == 2016 and notices[0].reason == "url.bad_year"


def test_reversed_range_is_swapped_with_a_notice():
    selection, notices = parse({"from": ["2024"], "to": ["2019"]}, OPTIONS)
    assert (selection.year_from, selection.year_to) == (2019, 2024)
    assert [n.reason for n in notices] == ["url.reversed"]


def test_streamlit_embed_parameters_are_not_reported():
    assert parse({"embed": ["true"]}, OPTIONS)[1] == []


def test_a_chart_selection_narrows_to_known_codes_only():
    selection = filters.Selection(2020, 2025, ("430104",), ())
    known = ("430102", "430104", "430105")
    assert filters.narrow(selection, "districts", ["430105", "430105"], known).districts == ("430105",)
    assert filters.narrow(selection, "districts", ["' OR 1=1", None, 7], known) == selection  # nothing usable
    assert filters.narrow(selection, "sectors", ["food-dairy"], ("food-dairy",)).sectors == ("food-dairy",)
