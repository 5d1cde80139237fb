"""The output data contract: every table's columns, types and meanings.

One source for the sinks (DuckDB DDL, typed CSV/JSON reads), for the documentation in
``docs/scenarios.md`` (a test checks the two agree) and for a team's own pipeline.
"""

from __future__ import annotations

from fauxdata.spec.types import ColumnType, parse_type

Column = tuple[str, str, str]

CONTRACT: dict[str, tuple[str, list[Column]]] = {
    "customers": ("One row per customer.", [
        ("customer_id", "bigint", "Key, 1..customers."),
        ("acquired_on", "date", "First day as a customer."),
        ("cohort_month", "date", "First day of the acquisition month."),
        ("acquisition_channel", "varchar", "organic, paid_search, social, referral or store."),
        ("segment", "varchar", "value, regular or vip: sets frequency, basket, churn."),
        ("home_store_id", "bigint", "The physical store used for in-store orders (stores)."),
        ("loyalty_member", "boolean", "Enrolled in the loyalty programme at acquisition."),
        ("churned_on", "date", "Simulated churn date; null when still active at the end."),
    ]),
    "categories": ("Product categories.", [
        ("category_id", "bigint", "Key, 1..n in the order of catalog.categories."),
        ("name", "varchar", "Category name."),
        ("launched_on", "date", "Launch date of a new category; null for existing ones."),
    ]),
    "products": ("The catalog; price points end in .99.", [
        ("product_id", "bigint", "Key; category-major numbering."),
        ("sku", "varchar", "SKU-000001 style code."),
        ("name", "varchar", "Display name."),
        ("category_id", "bigint", "FK categories."),
        ("list_price", "decimal(12,2)", "List price from the declared price lognormal."),
        ("launched_on", "date", "Launch date when its category launches in the range."),
        ("recalled_on", "date", "Recall date; no sales from that day."),
    ]),
    "stores": ("Sales points: the web shop (1), the app (2), then physical stores.", [
        ("store_id", "bigint", "Key."),
        ("name", "varchar", "Store name."),
        ("channel", "varchar", "online, app or store."),
        ("region", "varchar", "Region of a physical store; null for online and app."),
    ]),
    "orders": ("One row per transaction; amounts reconcile with order_lines.", [
        ("order_id", "bigint", "Key; ordered by customer then time."),
        ("customer_id", "bigint", "FK customers."),
        ("store_id", "bigint", "FK stores."),
        ("channel", "varchar", "online, store or app."),
        ("ordered_at", "timestamp", "When the order was placed."),
        ("order_date", "date", "Date of ordered_at."),
        ("source", "varchar", "organic, or campaign_response (follows a clicked touch)."),
        ("promo_id", "varchar", "PROMO-YYYY-MM when placed during the promotion, else null."),
        ("line_count", "bigint", "Number of order_lines."),
        ("gross_amount", "decimal(12,2)", "Sum of line gross amounts (before discounts)."),
        ("promo_discount", "decimal(12,2)", "Sum of line promotion discounts."),
        ("loyalty_discount", "decimal(12,2)", "Points redeemed on this order, in money."),
        ("net_amount", "decimal(12,2)", "gross - promo_discount - loyalty_discount: the revenue."),
    ]),
    "order_lines": ("Basket lines.", [
        ("line_id", "bigint", "Key."),
        ("order_id", "bigint", "FK orders."),
        ("product_id", "bigint", "FK products."),
        ("category_id", "bigint", "FK categories (the product's)."),
        ("quantity", "bigint", "Units, at least 1."),
        ("list_price", "decimal(12,2)", "The product's list price."),
        ("unit_price", "decimal(12,2)", "gross_amount / quantity, rounded to the cent."),
        ("gross_amount", "decimal(12,2)", "Line value before discount."),
        ("discount_amount", "decimal(12,2)", "Promotion discount on the line."),
        ("net_amount", "decimal(12,2)", "gross_amount - discount_amount."),
    ]),
    "returns": ("Returned lines and their refunds.", [
        ("return_id", "bigint", "Key, in line order."),
        ("line_id", "bigint", "FK order_lines; a line is returned at most once, whole."),
        ("order_id", "bigint", "FK orders."),
        ("customer_id", "bigint", "FK customers."),
        ("product_id", "bigint", "FK products."),
        ("returned_on", "date", "Return date."),
        ("quantity", "bigint", "Units returned (the whole line)."),
        ("refund_amount", "decimal(12,2)", "The line's net amount."),
        ("reason", "varchar", "changed_mind, defect or recall."),
    ]),
    "touches": ("Marketing and service touches.", [
        ("touch_id", "bigint", "Key; ordered by customer then time."),
        ("customer_id", "bigint", "FK customers."),
        ("touched_at", "timestamp", "Send or impression time."),
        ("channel", "varchar", "email, sms, paid_search, social or display."),
        ("campaign_id", "varchar", "Channel prefix and month (EM-2025-03), or RECALL-<product_id>."),
        ("kind", "varchar", "marketing, or recall_notice (a service touch)."),
        ("opened", "boolean", "Opened (email, SMS) or viewed (ads)."),
        ("clicked", "boolean", "Clicked through; implies opened."),
    ]),
    "loyalty_accounts": ("One row per loyalty member; totals reconcile with points_ledger.", [
        ("account_id", "bigint", "Key."),
        ("customer_id", "bigint", "FK customers."),
        ("enrolled_on", "date", "Enrolment date (the acquisition date)."),
        ("tier", "varchar", "bronze, silver or gold at the end of the range."),
        ("silver_since", "date", "Date silver was reached; null if never."),
        ("gold_since", "date", "Date gold was reached; null if never."),
        ("points_accrued", "bigint", "Sum of accrual entries."),
        ("points_redeemed", "bigint", "Sum of redemption entries (positive)."),
        ("points_expired", "bigint", "Sum of expiry entries (positive)."),
        ("points_balance", "bigint", "accrued - redeemed - expired."),
    ]),
    "points_ledger": ("Signed points movements.", [
        ("entry_id", "bigint", "Key; ordered by customer then time."),
        ("customer_id", "bigint", "FK customers."),
        ("account_id", "bigint", "FK loyalty_accounts."),
        ("entry_at", "timestamp", "When the movement happened."),
        ("kind", "varchar", "accrual (+), redemption (-) or expiry (-)."),
        ("points", "bigint", "Signed points."),
        ("order_id", "bigint", "FK orders for accruals and redemptions; null for expiries."),
    ]),
    "attribution": ("Conversion paths: one row per (order, touch), or one direct row.", [
        ("order_id", "bigint", "FK orders; every order appears."),
        ("customer_id", "bigint", "FK customers."),
        ("touch_id", "bigint", "FK touches; null for direct."),
        ("channel", "varchar", "The touch's channel, or direct."),
        ("campaign_id", "varchar", "The touch's campaign; null for direct."),
        ("position", "bigint", "1-based position in the path."),
        ("path_length", "bigint", "Touches on the path (0 for direct)."),
        ("credit_first_touch", "double", "Credit under first touch; sums to 1 per order."),
        ("credit_last_touch", "double", "Credit under last touch; sums to 1 per order."),
        ("credit_linear", "double", "Credit under linear; sums to 1 per order."),
        ("credit_time_decay", "double", "Credit under time decay; sums to 1 per order."),
        ("revenue_first_touch", "decimal(12,2)", "Order net_amount x credit, to the cent; sums to it."),
        ("revenue_last_touch", "decimal(12,2)", "As above, last touch."),
        ("revenue_linear", "decimal(12,2)", "As above, linear."),
        ("revenue_time_decay", "decimal(12,2)", "As above, time decay."),
    ]),
}  # fmt: skip

TABLES = tuple(CONTRACT)


def schema(table: str) -> dict[str, ColumnType]:
    """A table's columns as fauxdata column types, for the sinks."""
    return {name: parse_type(kind) for name, kind, _ in CONTRACT[table][1]}


def markdown(contract: dict[str, tuple[str, list[Column]]] | None = None) -> str:
    """A contract (default: the output tables) as Markdown tables, for docs/scenarios.md."""
    out: list[str] = []
    for table, (about, columns) in (CONTRACT if contract is None else contract).items():
        out += [f"### `{table}`", "", about, "", "| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{c}` | {t} | {m} |" for c, t, m in columns]
        out.append("")
    return "\n".join(out)
