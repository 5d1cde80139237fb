-- Reference customer mart over scenario output: the kind of model a team builds
-- downstream. Runs in DuckDB over views named after the output tables; every object it
-- creates starts with mart_. Statements are separated by semicolons at line ends.

CREATE OR REPLACE TEMP VIEW mart_as_of AS
SELECT max(order_date) + INTERVAL 1 DAY AS as_of FROM orders;

-- Customer-level RFM: recency in days, frequency in orders, monetary in net revenue
-- less refunds; scores are quintiles (5 = best).
CREATE OR REPLACE TABLE mart_customer_rfm AS
WITH refunds AS (
    SELECT customer_id, sum(refund_amount) AS refunded FROM returns GROUP BY customer_id
), base AS (
    SELECT
        c.customer_id,
        c.segment,
        c.cohort_month,
        count(o.order_id) AS frequency,
        coalesce(sum(o.net_amount), 0) - coalesce(any_value(r.refunded), 0) AS monetary,
        max(o.order_date) AS last_order_date,
        date_diff('day', max(o.order_date), any_value(a.as_of)::DATE) AS recency_days
    FROM customers c
    JOIN orders o USING (customer_id)
    LEFT JOIN refunds r USING (customer_id)
    CROSS JOIN mart_as_of a
    GROUP BY c.customer_id, c.segment, c.cohort_month
)
SELECT
    *,
    6 - ntile(5) OVER (ORDER BY recency_days) AS r_score,
    ntile(5) OVER (ORDER BY frequency) AS f_score,
    ntile(5) OVER (ORDER BY monetary) AS m_score
FROM base;

-- Monthly cohort retention: the share of each acquisition cohort that ordered in the
-- k-th month after acquisition (k = 0 is the acquisition month).
CREATE OR REPLACE TABLE mart_cohort_retention AS
WITH sizes AS (
    SELECT cohort_month, count(*) AS cohort_size FROM customers GROUP BY cohort_month
), active AS (
    SELECT
        c.cohort_month,
        date_diff('month', c.cohort_month, date_trunc('month', o.order_date)) AS months_since,
        count(DISTINCT o.customer_id) AS active_customers
    FROM orders o JOIN customers c USING (customer_id)
    GROUP BY 1, 2
)
SELECT a.cohort_month, a.months_since, s.cohort_size, a.active_customers,
       a.active_customers / s.cohort_size AS retention
FROM active a JOIN sizes s USING (cohort_month)
ORDER BY 1, 2;

-- CLV inputs in the shape BG/NBD and Gamma-Gamma models expect: repeat frequency,
-- recency and age T in days from the first order, mean repeat order value.
CREATE OR REPLACE TABLE mart_clv_inputs AS
WITH o AS (
    SELECT customer_id, order_date, net_amount,
           row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at, order_id) AS n
    FROM orders
)
SELECT
    customer_id,
    count(*) - 1 AS frequency,
    date_diff('day', min(order_date), max(order_date)) AS recency_days,
    date_diff('day', min(order_date), any_value(a.as_of)::DATE) AS t_days,
    coalesce(avg(net_amount) FILTER (WHERE n > 1), 0) AS monetary_value,
    sum(net_amount) AS total_revenue
FROM o CROSS JOIN mart_as_of a
GROUP BY customer_id;

-- Campaign performance: sends, opens, clicks and the revenue each attribution model
-- gives the campaign; direct revenue appears as the campaign 'direct'.
CREATE OR REPLACE TABLE mart_campaign_performance AS
WITH sends AS (
    SELECT campaign_id, any_value(channel) AS channel, count(*) AS touches,
           count(*) FILTER (WHERE opened) AS opens, count(*) FILTER (WHERE clicked) AS clicks
    FROM touches WHERE kind = 'marketing' GROUP BY campaign_id
), credit AS (
    SELECT coalesce(campaign_id, 'direct') AS campaign_id,
           count(DISTINCT order_id) FILTER (WHERE credit_last_touch > 0) AS last_touch_orders,
           sum(revenue_first_touch) AS revenue_first_touch,
           sum(revenue_last_touch) AS revenue_last_touch,
           sum(revenue_linear) AS revenue_linear,
           sum(revenue_time_decay) AS revenue_time_decay
    FROM attribution GROUP BY 1
)
SELECT
    coalesce(s.campaign_id, c.campaign_id) AS campaign_id,
    coalesce(s.channel, 'direct') AS channel,
    coalesce(s.touches, 0) AS touches,
    coalesce(s.opens, 0) AS opens,
    coalesce(s.clicks, 0) AS clicks,
    coalesce(s.opens / nullif(s.touches, 0), 0) AS open_rate,
    coalesce(s.clicks / nullif(s.opens, 0), 0) AS click_rate,
    coalesce(c.last_touch_orders, 0) AS last_touch_orders,
    coalesce(c.revenue_first_touch, 0) AS revenue_first_touch,
    coalesce(c.revenue_last_touch, 0) AS revenue_last_touch,
    coalesce(c.revenue_linear, 0) AS revenue_linear,
    coalesce(c.revenue_time_decay, 0) AS revenue_time_decay
FROM sends s FULL OUTER JOIN credit c USING (campaign_id)
ORDER BY campaign_id;
