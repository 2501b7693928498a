"""Open SDG's data format: the headline series of one indicator, all or nothing."""

import pytest

from rathaus.core.tabular import TabularError
from rathaus.core.uploads import UploadRefused
from rathaus.steering.models import IndicatorValue
from rathaus.steering.services.opensdg import opensdg_import, opensdg_read
from rathaus.steering.tests.conftest import NOW

pytestmark = pytest.mark.django_db

CLEAN = (
    "Year,Sex,Units,GeoCode,Value\n"
    "2019,,Personen,,410\n"
    "2019,female,Personen,,200\n"  # a disaggregation: skipped
    "2020,,Personen,,415.5\n"
    "2020,,Personen,99999999,9999\n"  # another area: skipped
    "2021,,,,\n"  # blank value: missing
)


def test_the_headline_series_is_previewed_then_stored_under_december(world):
    indicator = world["indicator"]
    preview = opensdg_read(data=CLEAN.encode(), indicator=indicator)
    assert preview.ok
    assert preview.values == [(2, 2019, 410.0), (4, 2020, 415.5)]
    assert (preview.skipped, preview.missing) == (2, 1)
    before = IndicatorValue.objects.count()
    preview, result = opensdg_import(
        actor=world["users"]["mayor"], indicator=indicator, data=CLEAN.encode(), now=NOW
    )
    assert (result.created, result.unchanged) == (2, 0)
    stored = IndicatorValue.objects.filter(indicator=indicator, ref_date__year__in=[2019, 2020])
    assert sorted((v.ref_date.isoformat(), v.value) for v in stored.filter(ref_date__month=12)) == [
        ("2019-12-01", 410.0),
        ("2020-12-01", 415.5),
    ]
    # the same file again changes nothing; a changed year is a revision, not a duplicate
    _preview, again = opensdg_import(
        actor=world["users"]["mayor"], indicator=indicator, data=CLEAN.encode(), now=NOW
    )
    assert (again.created, again.unchanged) == (0, 2)
    assert IndicatorValue.objects.count() == before + 2


def test_the_municipality_s_own_geocode_counts_as_the_headline(world, town):
    town.ags = "05562020"
    town.save(update_fields=["ags"])
    text = "Year,GeoCode,Value\n2020,05562020,7\n2020,05562004,8\n"
    preview = opensdg_read(data=text.encode(), indicator=world["indicator"])
    assert preview.values == [(2, 2020, 7.0)] and preview.skipped == 1


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Jahr,Wert\n2020,1\n", 1, "erste Spalte „Year“, letzte „Value“"),
        ("Year,GeoCode,Sex,Value\n2020,,,1\n", 1, "„GeoCode“ muss die vorletzte"),
        ("Year,Value\nzwanzig,1\n", 2, "„zwanzig“ ist keine Jahreszahl"),
        ("Year,Value\n2020,viele\n", 2, "„viele“ ist keine Zahl"),
        ("Year,Value\n2020,1\n2020,2\n", 3, "Das Jahr 2020 steht schon in Zeile 2"),
        ("Year,Units,Value\n2020,Prozent,1\n", 2, "Einheit „Prozent“ passt nicht"),
        ("Year,Value\n2020,1,3\n", 2, "3 Spalten statt 2"),
        ("Year,Value\n2020,\x07\n", 2, "Steuerzeichen"),
        ("Year,Value\n2020,\n", 1, "keine Werte der Gesamtreihe"),
    ],
)
def test_bad_files_are_refused_whole_with_line_numbers(world, text, line, message):
    before = IndicatorValue.objects.count()
    preview, result = opensdg_import(
        actor=world["users"]["mayor"], indicator=world["indicator"], data=text.encode(), now=NOW
    )
    assert not preview.ok
    assert any(n == line and message in m for n, m in preview.errors), preview.errors
    assert result.created == 0 and IndicatorValue.objects.count() == before


def test_an_oversized_or_binary_upload_is_refused_before_parsing(world):
    with pytest.raises(UploadRefused):
        opensdg_read(data=b"Year,Value\n" + b"2020,1\n" * 200_000, indicator=world["indicator"])
    with pytest.raises(TabularError):
        opensdg_read(data=b"Year,Value\n2020,\x00\n", indicator=world["indicator"])
