"""The simulation, one module per table family; ``simulate`` runs them in dependency order.

customers -> marketing touches -> orders (organic + click responses) -> lines -> returns
(+ recall notices) -> loyalty (changes what orders pay) -> attribution. Every table is a
pure function of the scenario parameters, seed included.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.attribution import attribute
from fauxdata.scenarios.simulate.catalog import build_catalog
from fauxdata.scenarios.simulate.common import dates, day_of, money, timestamps
from fauxdata.scenarios.simulate.customers import build_customers
from fauxdata.scenarios.simulate.loyalty import simulate_loyalty
from fauxdata.scenarios.simulate.touches import (
    marketing_touches,
    touches_frame,
    with_notices,
)
from fauxdata.scenarios.simulate.transactions import (
    ORDER_CHANNELS,
    RETURN_REASONS,
    simulate_lines,
    simulate_orders,
    simulate_returns,
)

Tables = dict[str, pl.DataFrame]


def simulate(scenario: Scenario) -> Tables:
    """Every table of the scenario as Polars frames, keyed by table name."""
    catalog = build_catalog(scenario)
    customers = build_customers(scenario)
    touches = marketing_touches(scenario, customers)
    orders = simulate_orders(scenario, customers, touches)
    orders, lines = simulate_lines(scenario, catalog, orders)
    returns = simulate_returns(scenario, orders, lines)
    recall = scenario.recall
    if recall.product is not None and recall.date is not None:
        recalled = returns.line[returns.reason == RETURN_REASONS.index("recall")]
        buyers = orders.customer[lines.order[recalled]]
        touches = with_notices(
            scenario, touches, buyers, day_of(scenario, recall.date) or 0.0, recall.product - 1
        )
    touch_frame = touches_frame(scenario, touches)
    loyalty = simulate_loyalty(scenario, customers, orders)
    net = orders.gross - orders.promo_discount - loyalty.loyalty_discount
    promo_id = f"PROMO-{scenario.promo.start:%Y-%m}" if scenario.promo.start else None
    order_at = timestamps(scenario, orders.day)
    n_orders = len(orders.day)
    order_frame = pl.DataFrame(
        {
            "order_id": np.arange(1, n_orders + 1, dtype=np.int64),
            "customer_id": orders.customer + 1,
            "store_id": orders.store,
            "channel": np.asarray(ORDER_CHANNELS)[orders.channel],
            "ordered_at": order_at,
            "order_date": order_at.dt.date(),
            "source": np.where(orders.response, "campaign_response", "organic"),
            "promo_id": pl.Series([promo_id], dtype=pl.String)
            .gather(np.zeros(n_orders, np.int64))
            .set(pl.Series(~orders.promo), None),
            "line_count": np.bincount(lines.order, minlength=n_orders).astype(np.int64),
            "gross_amount": pl.from_arrow(money(orders.gross)),
            "promo_discount": pl.from_arrow(money(orders.promo_discount)),
            "loyalty_discount": pl.from_arrow(money(loyalty.loyalty_discount)),
            "net_amount": pl.from_arrow(money(net)),
        }
    )
    line_net = lines.gross - lines.discount
    price = catalog.price_cents[lines.product]
    line_frame = pl.DataFrame(
        {
            "line_id": np.arange(1, len(lines.order) + 1, dtype=np.int64),
            "order_id": lines.order + 1,
            "product_id": lines.product + 1,
            "category_id": catalog.product_category[lines.product] + 1,
            "quantity": lines.quantity,
            "list_price": pl.from_arrow(money(price)),
            "unit_price": pl.from_arrow(
                money(np.round(lines.gross / lines.quantity).astype(np.int64))
            ),
            "gross_amount": pl.from_arrow(money(lines.gross)),
            "discount_amount": pl.from_arrow(money(lines.discount)),
            "net_amount": pl.from_arrow(money(line_net)),
        }
    )
    r_line = returns.line
    return_frame = (
        pl.DataFrame(
            {
                "return_id": np.arange(1, len(r_line) + 1, dtype=np.int64),
                "line_id": r_line + 1,
                "order_id": lines.order[r_line] + 1,
                "customer_id": orders.customer[lines.order[r_line]] + 1,
                "product_id": lines.product[r_line] + 1,
                "returned_on": dates(scenario, returns.day),
                "quantity": lines.quantity[r_line],
                "refund_amount": pl.from_arrow(money(line_net[r_line])),
                "reason": np.asarray(RETURN_REASONS)[returns.reason],
            }
        )
        .sort("returned_on", "line_id")
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("return_id"))
    )
    attribution = attribute(
        scenario, touches, touch_frame["campaign_id"], orders.customer, orders.day, net
    )
    return {
        "customers": customers.frame,
        "categories": catalog.categories,
        "products": catalog.products,
        "stores": catalog.stores,
        "orders": order_frame,
        "order_lines": line_frame,
        "returns": return_frame,
        "touches": touch_frame,
        "loyalty_accounts": loyalty.accounts,
        "points_ledger": loyalty.ledger,
        "attribution": attribution,
    }
