"""Indicator values: revisions as versions, four eyes, analysis opens a case when red."""

import pytest

from rathaus.core.problems import DomainError
from rathaus.engines.indicators import add_months
from rathaus.steering.models import IndicatorValue, SteeringCase
from rathaus.steering.services.indicators import (
    current_values,
    indicator_analyse,
    indicator_value_confirm,
    indicator_value_record,
)
from rathaus.steering.tests.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def test_a_second_value_for_a_month_is_a_revision_not_a_duplicate(world):
    indicator, month = world["indicator"], world["months"][-1]
    row = indicator_value_record(
        actor=world["users"]["mayor"], indicator=indicator, ref_date=month, value=450, analyse=False
    )
    assert row.version == 2
    assert current_values(indicator)[month].value == 450
    assert IndicatorValue.objects.filter(indicator=indicator, ref_date=month).count() == 2


def test_the_same_value_again_changes_nothing(world):
    indicator, month = world["indicator"], world["months"][0]
    value = current_values(indicator)[month].value
    assert (
        indicator_value_record(
            actor=world["users"]["mayor"], indicator=indicator, ref_date=month, value=value
        )
        is None
    )


def test_a_non_numeric_value_is_refused(world):
    with pytest.raises(DomainError) as err:
        indicator_value_record(
            actor=world["users"]["mayor"],
            indicator=world["indicator"],
            ref_date=TODAY,
            value="viele",
        )
    assert err.value.code == "value_not_numeric"


def test_manual_entry_counts_only_after_a_second_person_confirms(world):
    indicator = world["indicator"]
    month = add_months(TODAY, 0)
    row = indicator_value_record(
        actor=world["users"]["mayor"],
        indicator=indicator,
        ref_date=month,
        value=420,
        four_eyes=True,
        analyse=False,
    )
    assert month not in current_values(indicator)
    with pytest.raises(DomainError):
        indicator_value_confirm(actor=world["users"]["mayor"], value=row)
    indicator_value_confirm(actor=world["users"]["treasurer"], value=row)
    assert current_values(indicator)[month].value == 420


def test_a_surge_out_of_band_turns_red_and_opens_a_case_with_the_explanation(world):
    indicator = world["indicator"]
    for months_ago, value in ((2, 700), (1, 1000)):
        indicator_value_record(
            actor=world["users"]["mayor"],
            indicator=indicator,
            ref_date=world["months"][-months_ago],
            value=value,
            analyse=False,
        )
    data = indicator_analyse(indicator=indicator, now=NOW)
    indicator.refresh_from_db()
    assert indicator.status == "red"
    assert "außerhalb des Toleranzbands" in data["explanation"]
    case = SteeringCase.objects.get(indicator=indicator, status="open")
    assert case.assigned_unit == world["finance"]
    assert case.explanation == data["explanation"]
    indicator_analyse(indicator=indicator, now=NOW)
    assert SteeringCase.objects.filter(indicator=indicator).count() == 1


def test_a_calm_series_is_green_and_opens_nothing(world):
    data = indicator_analyse(indicator=world["indicator"], now=NOW)
    assert data["status"] == "green"
    assert len(data["spark"]) == 24
    assert not SteeringCase.objects.exists()
