from hypothesis import given
from hypothesis import strategies as st

from rathaus.engines.spreadsheet import FORMULA_START, neutralise, restore


def test_formulas_become_text():
    assert neutralise('=HYPERLINK("http://x","klick")') == '\'=HYPERLINK("http://x","klick")'
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("+1+1") == "'+1+1"
    assert neutralise("\tcmd") == "'\tcmd"


def test_legitimate_values_pass_unchanged():
    for value in ("Müller, Anna", "0101", "-5", "+49", "3,5", 7, None, "E-Mail"):
        assert neutralise(value) == value


@given(st.text())
def test_nothing_neutralised_starts_like_a_formula_and_restore_undoes_it(text):
    out = neutralise(text)
    assert not out.startswith(FORMULA_START) or out == text
    if not text.startswith("'"):  # a text that already starts with ' is ambiguous
        assert restore(out) == text
