"""The Swedish number input (ui.widgets.number_input) and the parser under it (fmt.parse_number)."""

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt
from naravard.ui.state import NUM_ERROR, NUM_TEXT


@pytest.mark.parametrize(
    "text, value",
    [
        ("0,95", 0.95),
        ("0.95", 0.95),  # a numeric keypad's point
        ("7 400", 7400.0),
        ("7\u00a0400", 7400.0),  # what fmt.number writes
        ("  −1,5 ", -1.5),  # a real minus sign
        ("–2", -2.0),  # an en dash, as autocorrect makes it
        ("+3", 3.0),
        (fmt.number(-12345.678, 3), -12345.678),
    ],
)
def test_parse_number_accepts_swedish_writing(text, value):
    assert fmt.parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", " ", "tio", "1,2,3", "1.000,5", ",", "1e5", "inf", "nan", "0x10", "١٢", "--1"])
def test_parse_number_rejects_what_it_would_have_to_guess(text):
    with pytest.raises(ValueError):
        fmt.parse_number(text)


def _app():
    from naravard.ui.widgets import number_input

    value = number_input("Kvot", key="nv_test_kvot", min_value=0.0, max_value=2.0, decimals=3, default=0.988)
    number_input("Förändring", key="nv_test_vc", min_value=-100, max_value=100, decimals=0, signed=True, default=0)
    import streamlit as st

    st.markdown(f"Värde: {value!r}")


def _run() -> AppTest:
    at = AppTest.from_function(_app)
    at.run()
    assert not at.exception
    return at


def test_shows_a_decimal_comma_and_takes_one():
    at = _run()
    box = at.text_input(key="nv_test_kvot" + NUM_TEXT)
    assert box.value == "0,988"
    box.input("0,95").run()
    assert at.session_state["nv_test_kvot"] == pytest.approx(0.95)
    assert at.text_input(key="nv_test_kvot" + NUM_TEXT).value == "0,95"
    assert at.markdown[0].value == "Värde: 0.95"
    assert not at.error


def test_bad_text_keeps_the_last_good_value_with_a_swedish_message():
    at = _run()
    at.text_input(key="nv_test_kvot" + NUM_TEXT).input("0,9,5").run()
    assert at.session_state["nv_test_kvot"] == pytest.approx(0.988)
    [err] = at.error
    assert err.value.startswith("”0,9,5” är inget tal.") and "Värdet 0,988 gäller tills vidare." in err.value
    # corrected: the message goes away
    at.text_input(key="nv_test_kvot" + NUM_TEXT).input("1,2").run()
    assert not at.error and at.session_state["nv_test_kvot"] == pytest.approx(1.2)
    assert "nv_test_kvot" + NUM_ERROR not in at.session_state


def test_out_of_range_is_refused_in_swedish():
    at = _run()
    at.text_input(key="nv_test_kvot" + NUM_TEXT).input("2,5").run()
    [err] = at.error
    assert "2,5 ligger utanför det tillåtna intervallet 0 till 2" in err.value
    assert "Number is outside" not in err.value
    assert at.session_state["nv_test_kvot"] == pytest.approx(0.988)


def test_whole_numbers_with_sign_and_thousands():
    at = _run()
    box = at.text_input(key="nv_test_vc" + NUM_TEXT)
    assert box.value == "0"
    box.input("−2").run()
    assert at.session_state["nv_test_vc"] == -2 and isinstance(at.session_state["nv_test_vc"], int)
    assert at.text_input(key="nv_test_vc" + NUM_TEXT).value == "−2"
    at.text_input(key="nv_test_vc" + NUM_TEXT).input("1,5").run()
    assert at.session_state["nv_test_vc"] == 2  # rounded to the input's decimals
    assert at.text_input(key="nv_test_vc" + NUM_TEXT).value == "+2"


def test_a_value_set_from_code_replaces_text_and_pending_error():
    def app():
        import streamlit as st

        from naravard.ui.widgets import number_input, set_number

        st.button("Förval", key="nv_test_preset", on_click=set_number, args=("nv_test_x", 1234.5))
        number_input("Mål", key="nv_test_x", min_value=0, max_value=20000, decimals=1, default=7400)

    at = AppTest.from_function(app)
    at.run()
    assert at.text_input(key="nv_test_x" + NUM_TEXT).value == "7 400"
    at.text_input(key="nv_test_x" + NUM_TEXT).input("sju").run()
    assert at.error
    at.button(key="nv_test_preset").click().run()
    assert not at.error
    assert at.text_input(key="nv_test_x" + NUM_TEXT).value == "1 234,5"
