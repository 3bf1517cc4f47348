"""The aispend dashboard: a router over the pages, each of which is layout only.

The global filters are drawn here, before the page runs, so every page sees them and they keep their
values when the user changes page. Pages live in `views/`, not `pages/`: Streamlit treats a `pages/`
folder beside the entry script as the old multipage mode, and then runs a page without this router
(no filters) when the page is opened directly.
"""

import streamlit as st

from app import auth, filters, queries

st.set_page_config(page_title="aispend: AI spend", page_icon=":material/payments:", layout="wide")

pages = [
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/cost_per_task.py", title="Cost per task", icon=":material/task_alt:"),
    st.Page("views/sprawl.py", title="Sprawl: seats and shadow spend", icon=":material/event_seat:"),
    st.Page("views/jevons.py", title="Jevons: prices and usage", icon=":material/trending_up:"),
    st.Page("views/savings.py", title="Savings: what if", icon=":material/savings:"),
    st.Page("views/budgets.py", title="Budgets and anomalies", icon=":material/account_balance_wallet:"),
    st.Page("views/reconciliation.py", title="Reconciliation and data quality", icon=":material/rule:"),
]
page = st.navigation(pages)
auth.require_sign_in()

if not queries.has_published_copy():
    st.title("aispend")
    st.info("No published warehouse yet. Run `make demo` or `aispend run` to build one.")
    st.stop()
if filters.sidebar() is None:
    st.title("aispend")
    st.info(
        "The published warehouse holds no cost yet: land provider bills, usage exports or gateway logs "
        "in the landing folder and run the pipeline (`aispend run`)."
    )
    st.stop()
page.run()
