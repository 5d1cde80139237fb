"""The reference customer mart: ``mart.sql`` run in DuckDB over scenario output.

It is an integration test as much as a feature: if the simulated tables pass through a
typical downstream model (RFM, cohort retention, CLV inputs, campaign performance) with
no manual fixes, a team's own pipeline has a fair chance too. The mart's columns are part
of the data contract (``MART_CONTRACT``, documented in docs/scenarios.md).
"""

from __future__ import annotations

from importlib import resources

import duckdb
import polars as pl

from fauxdata.scenarios.contract import Column

MARTS = (
    "mart_customer_rfm",
    "mart_cohort_retention",
    "mart_clv_inputs",
    "mart_campaign_performance",
)

MART_CONTRACT: dict[str, tuple[str, list[Column]]] = {
    "mart_customer_rfm": ("One row per customer with at least one order.", [
        ("customer_id", "bigint", "FK customers."),
        ("segment", "varchar", "The customer's segment."),
        ("cohort_month", "date", "Acquisition month."),
        ("frequency", "bigint", "Orders placed."),
        ("monetary", "decimal(38,2)", "Net revenue less refunds."),
        ("last_order_date", "date", "Date of the latest order."),
        ("recency_days", "bigint", "Days from the latest order to the day after the last order in the data."),
        ("r_score", "bigint", "Recency quintile, 5 = most recent."),
        ("f_score", "bigint", "Frequency quintile, 5 = most orders."),
        ("m_score", "bigint", "Monetary quintile, 5 = highest."),
    ]),
    "mart_cohort_retention": ("Cohort x months since acquisition.", [
        ("cohort_month", "date", "Acquisition month."),
        ("months_since", "bigint", "Calendar months after the acquisition month (0 = same)."),
        ("cohort_size", "bigint", "Customers acquired that month."),
        ("active_customers", "bigint", "Of them, customers with an order in that month."),
        ("retention", "double", "active_customers / cohort_size."),
    ]),
    "mart_clv_inputs": ("BG/NBD + Gamma-Gamma inputs, one row per ordering customer.", [
        ("customer_id", "bigint", "FK customers."),
        ("frequency", "bigint", "Repeat orders (orders - 1)."),
        ("recency_days", "bigint", "Days from the first to the latest order."),
        ("t_days", "bigint", "Days from the first order to the as-of day."),
        ("monetary_value", "double", "Mean net amount of repeat orders (0 without repeats)."),
        ("total_revenue", "decimal(38,2)", "Net revenue of all orders."),
    ]),
    "mart_campaign_performance": ("One row per campaign, plus 'direct'.", [
        ("campaign_id", "varchar", "Campaign (EM-2025-03), or direct."),
        ("channel", "varchar", "The campaign's channel, or direct."),
        ("touches", "bigint", "Marketing touches sent."),
        ("opens", "bigint", "Touches opened or viewed."),
        ("clicks", "bigint", "Touches clicked."),
        ("open_rate", "double", "opens / touches."),
        ("click_rate", "double", "clicks / opens."),
        ("last_touch_orders", "bigint", "Orders whose last touch is in the campaign."),
        ("revenue_first_touch", "decimal(38,2)", "Revenue credited under first touch."),
        ("revenue_last_touch", "decimal(38,2)", "Revenue credited under last touch."),
        ("revenue_linear", "decimal(38,2)", "Revenue credited under linear."),
        ("revenue_time_decay", "decimal(38,2)", "Revenue credited under time decay."),
    ]),
}  # fmt: skip


def mart_sql() -> str:
    """The mart's SQL as shipped (package data next to this module)."""
    return resources.files("fauxdata.scenarios").joinpath("mart.sql").read_text("utf-8")


def run_mart(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Build the mart in ``con`` (which must expose the output tables by name) and return
    each mart table as a Polars frame."""
    for statement in mart_sql().split(";\n"):
        body = "\n".join(
            line for line in statement.splitlines() if not line.strip().startswith("--")
        )
        if body.strip():
            con.execute(body)
    return {name: con.sql(f"SELECT * FROM {name}").pl() for name in MARTS}
