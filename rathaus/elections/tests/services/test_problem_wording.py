"""Plausibility problems read in the language of the person entering the figures."""

import pytest
from django.utils import translation

from rathaus.elections.services.results import check_figures

from ..conftest import district, figures

pytestmark = pytest.mark.django_db


def _bad_sum(election):
    wrong = figures([400, 300, 200])
    wrong["d"] = 1234  # not the sum of the single votes
    return check_figures(district(election, "0101"), wrong, 3)


def test_an_english_officer_reads_the_problem_in_english(election):
    with translation.override("en"):
        problems = _bad_sum(election)
    sums = [p for p in problems if p.code == "valid_sum"]
    assert sums and sums[0].message == (
        "Polling district 0101 (Altstadt): D (valid votes) 1,234 is not the sum of the single votes "
        "D1…D3 (900)"
    )


def test_a_german_officer_reads_the_engines_wording(election):
    with translation.override("de"):
        problems = _bad_sum(election)
    sums = [p for p in problems if p.code == "valid_sum"]
    assert sums and sums[0].message == (
        "Wahlbezirk 0101 (Altstadt): D (gültige Stimmen) 1.234 ist nicht die Summe der "
        "Einzelstimmen D1…D3 (900)"
    )
