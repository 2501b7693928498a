from dataclasses import replace

from rathaus.engines.counting import DistrictResult, check_district, check_results

from .factories import brief, urne


def codes(r: DistrictResult, n: int = 3) -> list[str]:
    return [p.code for p in check_district(r, n)]


def test_plausible_district_has_no_problems():
    assert check_district(urne("0101", (400, 300, 100), invalid=12, card=40), 3) == []
    assert check_district(brief("9001", (40, 30, 10), invalid=2), 3) == []


def test_unreported_district_is_plausible():
    r = DistrictResult("0101", "Altstadt Nord", "urne", 900, 50, 0, 950, votes=(None,) * 3)
    assert check_district(r, 3) == []
    assert not r.reported


def test_valid_votes_must_be_sum_of_candidates_with_german_message():
    r = DistrictResult(
        "0101",
        "Altstadt Nord",
        "urne",
        1000,
        100,
        0,
        1100,
        830,
        50,
        18,
        812,
        (300, 200, 150, 100, 59),
    )
    (p,) = check_district(r, 5)
    assert (p.code, p.column, p.district) == ("valid_sum", "D", "0101")
    assert p.message == (
        "Wahlbezirk 0101 (Altstadt Nord): D (gültige Stimmen) 812 ist nicht die Summe der "
        "Einzelstimmen D1…D5 (809)"
    )


def test_voters_must_be_invalid_plus_valid():
    r = replace(urne("0102", (10, 20, 30), invalid=5), B=66)
    assert "voters_sum" in codes(r)


def test_voters_must_not_exceed_eligible():
    r = replace(urne("0103", (10, 20, 30)), A1=50, A2=0, A3=0, A=50)
    (p,) = check_district(r, 3)
    assert p.code == "voters_exceed_eligible" and p.column == "B"
    assert "60 ist größer als A" in p.message


def test_eligible_must_be_sum_of_parts():
    r = replace(urne("0104", (10, 20, 30)), A3=7)
    (p,) = check_district(r, 3)
    assert p.code == "eligible_sum" and p.column == "A"


def test_card_voters_must_not_exceed_voters():
    r = replace(urne("0105", (10, 20, 30)), B1=61)
    assert codes(r) == ["card_voters"]


def test_negative_figures():
    r = replace(urne("0106", (10, 20, 30)), votes=(10, -20, 70))
    (p,) = [p for p in check_district(r, 3) if p.code == "negative"]
    assert p.column == "D2" and "-20 ist negativ" in p.message


def test_number_of_vote_columns_matches_candidates():
    assert "vote_columns" in codes(urne("0107", (10, 20)), 3)
    # A single candidate is voted yes/no: two columns.
    assert check_district(urne("0108", (60, 40)), 1) == []
    assert "vote_columns" in codes(urne("0109", (60,)), 1)


def test_postal_district_has_no_eligible_voters():
    assert check_district(brief("9001", (1, 2, 3)), 3) == []
    empty_a = replace(brief("9002", (1, 2, 3)), A1=None, A2=None, A3=None, A=None)
    assert check_district(empty_a, 3) == []
    with_a = replace(brief("9003", (1, 2, 3)), A=100)
    (p,) = check_district(with_a, 3)
    assert p.code == "postal_eligible" and p.message.startswith("Briefwahlbezirk 9003")


def test_postal_voters_all_hold_polling_cards():
    r = replace(brief("9004", (1, 2, 3)), B1=5)
    assert codes(r) == ["postal_card_voters"]


def test_half_entered_report_is_flagged():
    r = replace(urne("0110", (10, 20, 30)), C=None)
    (p,) = check_district(r, 3)
    assert p.code == "incomplete" and p.column == "C"


def test_duplicates_across_districts():
    ps = check_results([urne("0111", (1, 2, 3)), urne("0111", (1, 2, 3))], 3)
    assert [p.code for p in ps] == ["duplicate"]
