"""Floor probe for the benchmark: what Streamlit itself costs for the scenario layout.

Served by bench/run.py next to the app and the reference (``?p=layout``): the scenario
fragment's elements (three sliders in columns, a subheader, 8 metrics in two rows of
columns, a bullet list, the "Visa" control, a select box, one Plotly bar chart with
title and caption, the assumptions list and the notes expander) with fixed content
that follows the first slider, and no model, validation, URL or session work, and
none of naravard's code. Its slider step is what a Streamlit page of this shape costs;
the difference to the app's is naravard's own.

Reported as information, not as a target (docs/performance.md).
"""

import plotly.graph_objects as go
import streamlit as st

KOMMUNER = list("ABCDEF")


@st.fragment
def layout() -> None:
    c1, c2, c3 = st.columns(3)
    h = c1.slider("Framskrivning till år", 2026, 2040, 2030, key="floor_h")
    c2.slider("Andel i ordinärt boende (%)", 0, 100, 20, key="floor_a")
    c3.slider("Andel i SäBo (%)", 0, 100, 15, key="floor_b")
    st.subheader(f"Resultat för regionen 2025 → {h}")
    for row in range(2):
        for i, col in enumerate(st.columns(4)):
            col.metric(f"Nyckeltal {row * 4 + i + 1}", f"{h * (i + 1)} 000", delta=f"+{h - 2025}", delta_color="off", help="Förklaring.")
    st.markdown(f"- **SäBo-platser:** {h} behövs\n- **Korttidsplatser:** {h} behövs")
    st.segmented_control("Visa", ["Diagram", "Tabell", "Vägval", "Antaganden"], default="Diagram", required=True, key="floor_v")
    left, right = st.columns([2, 1])
    with left:
        st.selectbox("Resultat per kommun", ["Invånare 80+", "Inskrivna"], key="floor_o")
        fig = go.Figure(
            [
                go.Bar(x=KOMMUNER, y=[100.0 * i for i in range(6)], name="2025"),
                go.Bar(x=KOMMUNER, y=[100.0 * i * h / 2030 for i in range(6, 12)], name=str(h)),
            ]
        )
        fig.update_layout(height=420, barmode="group", title="Invånare 80 år och äldre", separators=", ")
        st.plotly_chart(fig, key="floor_chart")
        st.caption(f"Stapeldiagram per kommun 2025 och {h}.")
        st.caption("Så räknas det: en formel.")
    with right:
        st.markdown(f"**Antaganden som gäller**\n\n- År: {h}\n- Andel: 20 %")
    with st.expander("Bra att veta om beräkningen"):
        st.markdown("- En anteckning.")


layout()
