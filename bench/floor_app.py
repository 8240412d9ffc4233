"""Floor probes for the benchmark: what Streamlit itself costs, without naravard's code.

Served by bench/run.py next to the app and the reference (``?p=`` picks the probe):

* ``?p=vega`` – the reference page (one slider, one line of 20 points) drawn with
  ``st.vega_lite_chart`` instead of Plotly, as the app's charts are. The issue's
  reference uses Plotly; the app does not load plotly.js at all, so this is the floor
  for the app's own chart library.
* ``?p=layout`` – the scenario fragment's elements (three sliders in columns, a
  subheader, 8 metrics in two rows of columns, a bullet list, the "Visa" control, a
  select box, the per-kommun chart with title and caption, the assumptions list and
  the notes expander) with fixed content that follows the first slider, and no model,
  validation, URL or session work. Its slider step is what a Streamlit page of this
  shape costs; the difference to the app's is naravard's own.

Reported as information, not as targets (docs/performance.md).
"""

import pandas as pd
import streamlit as st

from naravard.views import figures

PROBE = st.query_params.get("p", "vega")
BARS = pd.DataFrame({"k": list("ABCDEF") * 2, "s": ["2025"] * 6 + ["2030"] * 6, "v": [float(100 * i) for i in range(12)]})


def vega_reference() -> None:
    k = st.slider("Lutning", min_value=0, max_value=100, value=10, key="floor_slider")
    x = list(range(20))
    st.vega_lite_chart(
        pd.DataFrame({"x": x, "y": [k * i for i in x]}),
        # a fixed y axis, so every step moves the line (the benchmark watches its path)
        {"height": 360, "mark": "line", "encoding": {"x": {"field": "x", "type": "quantitative"},
                                                     "y": {"field": "y", "type": "quantitative", "scale": {"domain": [0, 1900]}}}},
        width="stretch",
    )


@st.fragment
def layout() -> None:
    c1, c2, c3 = st.columns(3)
    h = c1.slider("Framskrivning till år", 2026, 2040, 2030, key="floor_h")
    c2.slider("Andel i ordinärt boende (%)", 0, 100, 20, key="floor_a")
    c3.slider("Andel i SäBo (%)", 0, 100, 15, key="floor_b")
    st.subheader(f"Resultat för Halland 2025 → {h}")
    for row in range(2):
        for i, col in enumerate(st.columns(4)):
            col.metric(f"Nyckeltal {row * 4 + i + 1}", f"{h * (i + 1)} 000", delta=f"+{h - 2025}", delta_color="off", help="Förklaring.")
    st.markdown(f"- **SäBo-platser:** {h} behövs\n- **Korttidsplatser:** {h} behövs")
    st.segmented_control("Visa", ["Diagram", "Tabell", "Vägval", "Antaganden"], default="Diagram", required=True, key="floor_v")
    left, right = st.columns([2, 1])
    with left:
        st.selectbox("Resultat per kommun", ["Invånare 80+", "Inskrivna"], key="floor_o")
        chart = figures.grouped_bars(BARS.assign(v=BARS["v"] * h / 2030), "k", "s", "v", title="t")
        with st.container(key="floor_chart"):
            st.markdown(f"**Invånare 80 år och äldre, 2025 och {h}**")
            st.plotly_chart(chart.figure, width="stretch", theme=None, config=figures.PLOTLY_CONFIG, alt="Stapeldiagram.")
            st.caption(f"Stapeldiagram per kommun 2025 och {h}.")
        st.caption("Så räknas det: en formel.")
    with right:
        st.markdown(f"**Antaganden som gäller**\n\n- År: {h}\n- Andel: 20 %")
    with st.expander("Bra att veta om beräkningen"):
        st.markdown("- En anteckning.")


if PROBE == "layout":
    layout()
else:
    vega_reference()
