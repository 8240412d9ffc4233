"""URL sharing: compact round trip, and hostile links that must never break the app."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import param_values, within_joint_limits
from naravard.model.scenario import PARAMS, Assumptions, ModelInputs
from naravard.export.link import (
    FIELD_OF_KEY,
    MAX_KEYS,
    MAX_VALUE_LEN,
    MAX_WARNINGS,
    QUERY_KEYS,
    from_query,
    to_query,
    to_query_string,
)

CODES = ("1384", "1383", "1382", "1380", "1381", "1315")
PROGNOSER = ("RH2026", "HSU2023", "EGEN")  # the embedded manifest's forecasts and the own one
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_num = param_values


@st.composite
def assumptions(draw):
    code = st.sampled_from(CODES)
    kw = {
        "prognos": draw(st.none() | st.sampled_from(PROGNOSER)),
        "horisont": draw(_num("horisont", True)),
        "listade_per_vc_mal": draw(st.none() | _num("listade_per_vc_mal")),
        **{k: draw(st.none() | _num(k)) for k in ("andel_ordinart", "andel_sabo", "sabo_platser_per_inskriven", "korttid_per_1000_80", "invanare_per_lakare")},
        **{k: draw(st.dictionaries(code, _num(k, True), max_size=6)) for k in ("vc_forandring", "filial_forandring")},
        **{k: draw(st.dictionaries(code, _num(k), max_size=6)) for k in ("egen_tillvaxt_total", "egen_tillvaxt_80")},
    }
    return Assumptions(**within_joint_limits(kw))


def read(params):
    return from_query(params, CODES, PROGNOSER)


def _safe_for_ui(warnings):
    for w in warnings:
        assert isinstance(w, str) and w
        assert "<" not in w and ">" not in w and "\n" not in w and "`" not in w and "[" not in w


# ---------------------------------------------------------------------- writing


def test_defaults_give_only_the_version():
    assert to_query(Assumptions()) == {"v": "1"}
    assert read({}) == (Assumptions(), [])
    assert read({"v": "1"}) == (Assumptions(), [])


def test_only_non_default_values_in_plain_text():
    a = Assumptions(andel_ordinart=0.25, horisont=2035, vc_forandring={"1380": 1, "1315": -1}, egen_tillvaxt_80={"1383": 2.5})
    q = to_query(a)
    assert q == {"v": "1", "ar": "2035", "ordinart": "0.25", "vc": "1315:-1,1380:+1", "tillvaxt80": "1383:2.5"}
    assert to_query_string(a) == "v=1&ar=2035&ordinart=0.25&vc=1315:-1,1380:%2B1&tillvaxt80=1383:2.5"
    assert to_query(Assumptions(invanare_per_lakare=1200, listade_per_vc_mal=7000)) == {"v": "1", "listmal": "7000", "lakarkvot": "1200"}


def test_every_assumption_has_a_query_key():
    assert set(QUERY_KEYS) == set(PARAMS)
    assert len(set(QUERY_KEYS.values())) == len(QUERY_KEYS) and "v" not in FIELD_OF_KEY
    assert all(k.isascii() and k.isalnum() for k in QUERY_KEYS.values())


# -------------------------------------------------------------------- round trip


@SETTINGS
@given(assumptions())
def test_round_trip(a):
    q = to_query(a)
    assert all(isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_VALUE_LEN for k, v in q.items())
    assert read(q) == (a, [])


@SETTINGS
@given(assumptions())
def test_round_trip_through_an_encoded_url(a):
    parsed = parse_qs(to_query_string(a), keep_blank_values=True)
    assert read(parsed) == (a, [])


def test_a_plus_sign_decoded_as_a_space_is_tolerated():
    a, w = read(parse_qs("vc=1380:+1,1315:-1"))  # '+' not encoded → ' '
    assert w == [] and a.vc_forandring == {"1380": 1, "1315": -1}


def test_streamlit_like_proxy_with_get_all():
    class Proxy(dict):
        def __getitem__(self, k):  # like st.query_params: the last value
            return super().__getitem__(k)[-1]

        def get_all(self, k):
            return list(super().__getitem__(k))

    a, w = read(Proxy({"ordinart": ["0.3", "0.4"], "sabo": ["0.2"]}))
    assert a.andel_ordinart is None and a.andel_sabo == 0.2
    assert len(w) == 1 and "(ordinart)" in w[0] and "flera gånger" in w[0]


def test_prognos_is_case_insensitive():
    assert read({"prognos": "hsu2023"})[0].prognos == "HSU2023"
    assert read({"prognos": "Egen"})[0].prognos == "EGEN"


# --------------------------------------------------------------- hostile values

HOSTILE = [
    "nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309", "-1", "-0.5", "99999",
    "<script>alert(1)</script>", "x" * 201, "1" * 201, "", " ", "١٢", "１", "1_000", "0x10", "1,5",
    "0.2.3", "1e", "e5", "--1", "2030;drop", "\u202e0.2", "0.2\n", "None", "null", "[0.2]",
    "${7*7}", "__import__('os')", "\x00", "𝟙",
]
SCALARS = ["ordinart", "sabo", "sabokvot", "korttid", "listmal", "lakarkvot", "ar"]


@pytest.mark.parametrize("key", SCALARS)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_scalar_falls_back_with_one_warning(key, value):
    field = FIELD_OF_KEY[key]
    a, w = read({"v": "1", key: value, "ordinart" if key != "ordinart" else "sabo": "0.3"})
    assert getattr(a, field) == getattr(Assumptions(), field)
    # the other, valid value is kept
    assert (a.andel_sabo if key == "ordinart" else a.andel_ordinart) == 0.3
    assert len(w) == 1 and f"({key})" in w[0] and PARAMS[field].label_sv in w[0]
    _safe_for_ui(w)


@pytest.mark.parametrize("value", HOSTILE + ["SCB", "RH2026 ", "rh 2026"])
def test_hostile_prognos(value):
    a, w = read({"prognos": value})
    if value.upper() in PROGNOSER:
        assert w == []
    else:
        assert a.prognos is None and len(w) == 1 and "(prognos)" in w[0]
    _safe_for_ui(w)


@pytest.mark.parametrize("key", ["vc", "filial", "tillvaxt", "tillvaxt80"])
@pytest.mark.parametrize(
    "value",
    [
        "1380:nan", "1380:inf", "1380:1e309", "1380:<script>", "1380", ":1", "1380:", "13800:1",
        "abcd:1", "1380:1:2", "1380:١", "1380:1_0", "1380:" + "9" * 150, "1380:-",
    ],
)
def test_hostile_per_kommun_items(key, value):
    field = FIELD_OF_KEY[key]
    a, w = read({key: value + ",1315:-1"})
    assert getattr(a, field) == {"1315": -1}  # the good item survives
    assert 1 <= len(w) <= 2 and all(f"({key})" in x for x in w)
    _safe_for_ui(w)


def test_empty_items_are_ignored():
    assert read({"vc": "1380:1,,1315:-1,"}) == (Assumptions(vc_forandring={"1380": 1, "1315": -1}), [])
    a, w = read({"vc": ""})
    assert a == Assumptions() and len(w) == 1 and "tomt" in w[0]


def test_unknown_kommun_codes_are_dropped_one_by_one():
    a, w = read({"vc": "9999:1,1380:2,0000:-1", "tillvaxt": "1315:-1.5,2180:3"})
    assert a.vc_forandring == {"1380": 2} and a.egen_tillvaxt_total == {"1315": -1.5}
    assert len(w) == 3 and sum("9999" in x for x in w) == 1 and sum("2180" in x for x in w) == 1


def test_out_of_range_per_kommun_values():
    a, w = read({"vc": "1380:101,1315:-100", "tillvaxt80": "1380:20.5,1381:-20"})
    assert a.vc_forandring == {"1315": -100} and a.egen_tillvaxt_80 == {"1381": -20.0}
    assert len(w) == 2 and all("1380" in x and "mellan" in x for x in w)


def test_a_kommun_given_twice_falls_back_for_that_kommun():
    a, w = read({"vc": "1380:1,1380:2,1315:1"})
    assert a.vc_forandring == {"1315": 1}
    assert len(w) == 1 and "1380" in w[0] and "flera gånger" in w[0]


def test_repeated_keys():
    a, w = read({"ordinart": ["0.3", "0.3"]})
    assert a.andel_ordinart == 0.3 and w == []
    a, w = read({"ordinart": ["0.3", "0.4"], "sabo": ["0.2"]})
    assert a.andel_ordinart is None and a.andel_sabo == 0.2 and len(w) == 1
    a, w = read({"ordinart": []})
    assert a == Assumptions() and w == []


def test_unknown_keys_and_versions_warn_without_echoing_markup():
    a, w = read({"<img src=x onerror=alert(1)>": "1", "foo": "bar", "v": "<b>9</b>"})
    assert a == Assumptions() and len(w) == 3
    assert any("annan version" in x for x in w) and any("foo" in x for x in w)
    _safe_for_ui(w)


def test_very_long_values_are_refused():
    a, w = read({"vc": "1380:1," * 200, "ordinart": "0." + "2" * 300})
    assert a == Assumptions() and len(w) == 2 and all("för långt" in x for x in w)


def test_per_kommun_length_limit_grows_with_the_number_of_kommuner():
    codes = [f"{1000 + i}" for i in range(290)]
    a = Assumptions(vc_forandring={c: 1 for c in codes})
    q = to_query(a)
    assert len(q["vc"]) > MAX_VALUE_LEN
    assert from_query(q, codes) == (a, [])


def test_many_keys_and_warnings_are_capped():
    params = {f"k{i}": "x" for i in range(1000)}
    a, w = read(params)
    assert a == Assumptions()
    assert len(w) == MAX_WARNINGS + 1
    assert "för många parametrar" in w[0] and str(MAX_KEYS) in w[0]
    assert w[-1].startswith("… och")


@pytest.mark.parametrize(
    "params",
    [
        {"ordinart": None},
        {"ordinart": 0.3},
        {"ordinart": ["0.3", None]},
        {"ordinart": object()},
        {None: "1"},
        {1: "x"},
        {"vc": {"1380": 1}},
        {"ar": b"2030"},
    ],
)
def test_non_string_values_never_raise(params):
    a, w = read(params)
    assert isinstance(a, Assumptions) and len(w) == 1


def test_not_even_a_mapping_never_raises():
    a, w = read(None)  # type: ignore[arg-type]
    assert a == Assumptions() and len(w) == 1


def test_codes_are_required_and_come_from_the_data_in_use():
    """Defect h: the codes were read from the embedded dataset on disk, so a link made
    with another data dir's kommuner lost every per-kommun value silently."""
    with pytest.raises(TypeError):
        from_query({"vc": "1380:1"})  # type: ignore[call-arg]
    other = ModelInputs.synthetic(3, range(2020, 2041))  # codes 1000, 1001, 1002
    a = Assumptions(vc_forandring={"1000": 1, "1002": -1}, egen_tillvaxt_80={"1001": 2.5})
    assert from_query(to_query(a), other.kommunkod, [f.key for f in other.forecasts]) == (a, [])


def test_each_value_for_a_kommun_the_data_lacks_gets_its_own_warning():
    a, w = read({"vc": "1380:1,9999:1,0180:2", "tillvaxt": "0181:1.5"})
    assert a.vc_forandring == {"1380": 1} and a.egen_tillvaxt_total == {}
    assert len(w) == 3
    for code, key in (("9999", "(vc)"), ("0180", "(vc)"), ("0181", "(tillvaxt)")):
        assert any(code in x and key in x and "finns inte i datan" in x for x in w), code
    _safe_for_ui(w)


def test_url_keys_come_from_the_param_records():
    assert QUERY_KEYS == {k: p.url_key for k, p in PARAMS.items()}
    assert QUERY_KEYS["horisont"] == "ar" and QUERY_KEYS["vc_forandring"] == "vc"


def test_forecast_keys_come_from_the_data():
    a, w = from_query({"prognos": "tabell"}, CODES, ["TABELL", "EGEN"])
    assert a.prognos == "TABELL" and w == []
    a, w = from_query({"prognos": "RH2026"}, CODES, ["TABELL", "EGEN"])
    assert a.prognos is None and len(w) == 1 and "TABELL" in w[0]


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(list(FIELD_OF_KEY) + ["v"]) | st.text(max_size=20),
        st.text(max_size=60) | st.lists(st.text(max_size=30), max_size=3),
        max_size=12,
    )
)
def test_fuzz_never_raises(params):
    a, w = read(params)
    assert isinstance(a, Assumptions)
    assert len(w) <= MAX_WARNINGS + 1
    _safe_for_ui([x for x in w])


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["vc", "filial", "tillvaxt", "tillvaxt80"]),
    st.lists(
        st.tuples(st.sampled_from(CODES + ("9999", "13", "")), st.text(alphabet="0123456789+-.eE,:x ", max_size=8)),
        max_size=8,
    ),
)
def test_fuzz_per_kommun_values(key, items):
    text = ",".join(f"{c}:{v}" for c, v in items)
    a, w = read({key: text})
    assert isinstance(a, Assumptions)
    assert set(getattr(a, FIELD_OF_KEY[key])) <= set(CODES)


# ------------------------------------------- joint limits (issue 11, defect 7)


def test_link_whose_shares_sum_past_100_percent_falls_back_with_a_swedish_warning():
    """/scenario?ordinart=1&sabo=1 asked for 200 % of the 80+ enrolled: both shares fall
    back to the data's, one warning says why; the link's other values are kept."""
    from naravard import fmt

    a, w = read({"v": "1", "ordinart": "1", "sabo": "1", "ar": "2035"})
    assert a.andel_ordinart is None and a.andel_sabo is None and a.horisont == 2035
    assert len(w) == 1
    text = fmt.plain(w[0])
    assert "högst 100 %" in text and "200 % (100 % + 100 %)" in text and "(ordinart)" in text and "(sabo)" in text
    _safe_for_ui(w)
    a, w = read({"ordinart": "0.6", "sabo": "0.4"})  # exactly 100 %
    assert (a.andel_ordinart, a.andel_sabo, w) == (0.6, 0.4, [])


def test_link_share_is_checked_with_the_datas_value_of_the_other():
    """ordinart=0.95 alone, with the data's SäBo share 13,6 %, is 108,6 %: it falls back."""
    from naravard import fmt

    a, w = from_query({"ordinart": "0.95"}, CODES, PROGNOSER, {"andel_sabo": 3000 / 21995})
    assert a.andel_ordinart is None and len(w) == 1
    assert "108,6 % (95 % + 13,6 %)" in fmt.plain(w[0])
    a, w = from_query({"ordinart": "0.86"}, CODES, PROGNOSER, {"andel_sabo": 3000 / 21995})
    assert a.andel_ordinart == 0.86 and w == []
