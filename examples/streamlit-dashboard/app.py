"""A sensor dashboard: Streamlit and pandas over data/measurements.csv (next to this file)."""

from pathlib import Path

import pandas as pd
import streamlit as st

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Sensors", layout="wide")
st.title("Sensor dashboard")

measurements = pd.read_csv(HERE / "data" / "measurements.csv")
sensors = sorted(measurements["sensor"].unique())
chosen = st.multiselect("Sensors", sensors, default=sensors)
shown = measurements[measurements["sensor"].isin(chosen)]

left, right = st.columns(2)
left.subheader("Average per sensor")
left.bar_chart(shown.groupby("sensor")["value"].mean())
right.subheader("Measurements")
right.dataframe(shown, hide_index=True)
