"""The aispend dashboard: a router over the pages, each of which is layout only."""

import streamlit as st

st.set_page_config(page_title="aispend: AI spend", page_icon=":material/payments:", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
st.navigation(pages).run()
