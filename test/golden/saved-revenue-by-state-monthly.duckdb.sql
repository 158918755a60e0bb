-- query: {"savedQuery":"revenue_by_state_monthly","where":["{{ Dimension('customer__customer_segment') }} = 'vip'"],"limit":21}
-- parameters: {"p0":"vip","p1":"canceled","p2":"vip","p3":21}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('month', "m"."order_date") AS DATE) AS "metric_time__month",
    "j1"."customer_state" AS "customer__customer_state",
    SUM("m"."order_value") AS "order_value"
  FROM (
    SELECT
      total_order_value AS "order_value",
      order_date AS "order_date",
      customer_id AS "customer",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  LEFT JOIN (
    SELECT
      customer_id AS "customer",
      customer_state AS "customer_state",
      customer_segment AS "customer_segment"
    FROM "marts"."dim_customer_current" AS "dim_customer_current"
  ) AS "j1" ON "m"."customer" = "j1"."customer"
  WHERE "j1"."customer_segment" = $p0 AND "m"."order_status" <> $p1
  GROUP BY CAST(DATE_TRUNC('month', "m"."order_date") AS DATE), "j1"."customer_state"
),
"leaf_1" AS (
  SELECT
    CAST(DATE_TRUNC('month', "m"."order_date") AS DATE) AS "metric_time__month",
    "j1"."customer_state" AS "customer__customer_state",
    COUNT("m"."order_count") AS "order_count"
  FROM (
    SELECT
      order_id AS "order_count",
      order_date AS "order_date",
      customer_id AS "customer"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  LEFT JOIN (
    SELECT
      customer_id AS "customer",
      customer_state AS "customer_state",
      customer_segment AS "customer_segment"
    FROM "marts"."dim_customer_current" AS "dim_customer_current"
  ) AS "j1" ON "m"."customer" = "j1"."customer"
  WHERE "j1"."customer_segment" = $p2
  GROUP BY CAST(DATE_TRUNC('month', "m"."order_date") AS DATE), "j1"."customer_state"
)
SELECT
  "q"."metric_time__month" AS "metric_time__month",
  "q"."customer__customer_state" AS "customer__customer_state",
  "q"."revenue" AS "revenue",
  "q"."orders" AS "orders"
FROM (
  SELECT
    COALESCE("l0"."metric_time__month", "l1"."metric_time__month") AS "metric_time__month",
    COALESCE("l0"."customer__customer_state", "l1"."customer__customer_state") AS "customer__customer_state",
    MAX("l0"."order_value") AS "revenue",
    MAX("l1"."order_count") AS "orders"
  FROM "leaf_0" AS "l0"
  FULL OUTER JOIN "leaf_1" AS "l1" ON "l0"."metric_time__month" = "l1"."metric_time__month" AND "l0"."customer__customer_state" = "l1"."customer__customer_state"
  GROUP BY COALESCE("l0"."metric_time__month", "l1"."metric_time__month"), COALESCE("l0"."customer__customer_state", "l1"."customer__customer_state")
) AS "q"
ORDER BY "q"."metric_time__month" NULLS LAST, "q"."customer__customer_state" NULLS LAST
LIMIT $p3
