"""Reference page for the benchmark: the floor no Streamlit app can beat here.

One ``st.slider`` driving one Plotly line of 20 points, nothing else. bench/run.py
serves it next to the app, from the same working directory (so with the same
``.streamlit/config.toml``), and reports the app's figures as ratios to this page's.

Keep it bare: every element added here raises the floor and flatters the app.
"""

import plotly.graph_objects as go
import streamlit as st

k = st.slider("Lutning", min_value=0, max_value=100, value=10, key="ref_slider")
x = list(range(20))
fig = go.Figure(go.Scatter(x=x, y=[k * i for i in x], mode="lines", name="y = k·x"))
fig.update_layout(height=360, margin=dict(l=40, r=10, t=30, b=40), title=f"k = {k}")
st.plotly_chart(fig, key="ref_chart")
