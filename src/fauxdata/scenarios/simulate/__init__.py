"""The simulation, one module per table family, run block by block over customers.

Per block: customers -> marketing touches -> orders (organic + click responses) -> lines
-> returns (+ recall notices) -> loyalty (changes what orders pay) -> attribution. Every
draw is keyed by global customer, order, line or touch indices and every id continues
from the previous blocks (``Offsets``), so the tables are a pure function of the scenario
parameters, whatever the block size, and memory is bounded by one block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import polars as pl

from fauxdata.scenarios.contract import TABLES
from fauxdata.scenarios.params import Scenario
from fauxdata.scenarios.simulate.attribution import attribute
from fauxdata.scenarios.simulate.catalog import Catalog, build_catalog
from fauxdata.scenarios.simulate.common import Offsets, dates, day_of, labels, money, timestamps
from fauxdata.scenarios.simulate.customers import build_customers
from fauxdata.scenarios.simulate.loyalty import simulate_loyalty
from fauxdata.scenarios.simulate.touches import marketing_touches, touches_frame, with_notices
from fauxdata.scenarios.simulate.transactions import (
    ORDER_CHANNELS,
    RETURN_REASONS,
    SOURCES,
    simulate_lines,
    simulate_orders,
    simulate_returns,
)

Tables = dict[str, pl.DataFrame]
BLOCK = 10_000
"""Customers per block. At the baseline's rates (300k customers, 39M rows) blocks of
10,000 peaked at 787 MB and ran at 1.50M rows/s; 100,000 peaked at 4.4 GB and ran at
1.09M rows/s (the data do not depend on the block size)."""
CATALOG_TABLES = ("categories", "products", "stores")


def simulate(scenario: Scenario, block: int = BLOCK) -> Tables:
    """Every table of the scenario as Polars frames, keyed by table name."""
    parts: dict[str, list[pl.DataFrame]] = {}
    for tables in iter_blocks(scenario, block):
        for name, frame in tables.items():
            parts.setdefault(name, []).append(frame)
    return {name: pl.concat(parts[name], rechunk=True) for name in TABLES}


def iter_blocks(scenario: Scenario, block: int = BLOCK) -> Iterator[Tables]:
    """The catalog tables, then every per-customer table block by block (same names,
    same column order, ids continuing across blocks)."""
    catalog = build_catalog(scenario)
    yield {"categories": catalog.categories, "products": catalog.products, "stores": catalog.stores}
    offsets = Offsets()
    for first in range(0, scenario.customers, block):
        tables, offsets = _block(
            scenario, catalog, first, min(first + block, scenario.customers), offsets
        )
        yield tables


def _block(
    scenario: Scenario, catalog: Catalog, first: int, stop: int, off: Offsets
) -> tuple[Tables, Offsets]:
    customers = build_customers(scenario, first, stop)
    touches = marketing_touches(scenario, customers)
    orders = simulate_orders(scenario, customers, touches, off.order)
    orders, lines = simulate_lines(scenario, catalog, orders)
    returns = simulate_returns(scenario, orders, lines, off.line)
    recall = scenario.recall
    if recall.product is not None and recall.date is not None:
        rday = day_of(scenario, recall.date) or 0.0
        bought = orders.day[lines.order]
        hit = (lines.product == recall.product - 1) & (bought < rday)
        hit &= bought >= rday - recall.window_days
        touches = with_notices(scenario, touches, first, orders.customer[lines.order[hit]], rday)
    touch_frame = touches_frame(scenario, touches, first, off.touch)
    loyalty = simulate_loyalty(scenario, customers, orders, off)
    net = orders.gross - orders.promo_discount - loyalty.loyalty_discount
    n_orders = len(orders.day)
    order_at = timestamps(scenario, orders.day)
    promo_id = [f"PROMO-{scenario.promo.start:%Y-%m}" if scenario.promo.start else ""]
    order_frame = pl.DataFrame(
        {
            "order_id": orders.row + 1,
            "customer_id": orders.customer + first + 1,
            "store_id": orders.store,
            "channel": labels(ORDER_CHANNELS, orders.channel),
            "ordered_at": order_at,
            "order_date": order_at.dt.date(),
            "source": labels(SOURCES, orders.response.astype(np.int64)),
            "promo_id": labels(promo_id, np.zeros(n_orders, np.int64)).set(
                pl.Series(~orders.promo), None
            ),
            "line_count": np.bincount(lines.order, minlength=n_orders).astype(np.int64),
            "gross_amount": pl.from_arrow(money(orders.gross)),
            "promo_discount": pl.from_arrow(money(orders.promo_discount)),
            "loyalty_discount": pl.from_arrow(money(loyalty.loyalty_discount)),
            "net_amount": pl.from_arrow(money(net)),
        }
    )
    line_net = lines.gross - lines.discount
    n_lines = len(lines.order)
    line_frame = pl.DataFrame(
        {
            "line_id": np.arange(off.line + 1, off.line + n_lines + 1, dtype=np.int64),
            "order_id": orders.row[lines.order] + 1,
            "product_id": lines.product + 1,
            "category_id": catalog.product_category[lines.product] + 1,
            "quantity": lines.quantity,
            "list_price": pl.from_arrow(money(catalog.price_cents[lines.product])),
            "unit_price": pl.from_arrow(
                money(np.round(lines.gross / lines.quantity).astype(np.int64))
            ),
            "gross_amount": pl.from_arrow(money(lines.gross)),
            "discount_amount": pl.from_arrow(money(lines.discount)),
            "net_amount": pl.from_arrow(money(line_net)),
        }
    )
    r = returns.line
    return_frame = pl.DataFrame(
        {
            "return_id": np.arange(off.ret + 1, off.ret + len(r) + 1, dtype=np.int64),
            "line_id": r + off.line + 1,
            "order_id": orders.row[lines.order[r]] + 1,
            "customer_id": orders.customer[lines.order[r]] + first + 1,
            "product_id": lines.product[r] + 1,
            "returned_on": dates(scenario, returns.day),
            "quantity": lines.quantity[r],
            "refund_amount": pl.from_arrow(money(line_net[r])),
            "reason": labels(RETURN_REASONS, returns.reason),
        }
    )
    attribution = attribute(
        scenario,
        touches,
        touch_frame["campaign_id"],
        replace(off, customer=first),
        orders.customer,
        orders.day,
        net,
    )
    tables = {
        "customers": customers.frame,
        "orders": order_frame,
        "order_lines": line_frame,
        "returns": return_frame,
        "touches": touch_frame,
        "loyalty_accounts": loyalty.accounts,
        "points_ledger": loyalty.ledger,
        "attribution": attribution,
    }
    after = Offsets(
        customer=stop,
        order=off.order + n_orders,
        line=off.line + n_lines,
        touch=off.touch + len(touches),
        account=off.account + loyalty.accounts.height,
        entry=off.entry + loyalty.ledger.height,
        ret=off.ret + len(r),
    )
    return tables, after
