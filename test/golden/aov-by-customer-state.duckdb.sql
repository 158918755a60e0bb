-- query: {"metrics":["average_order_value"],"groupBy":["customer__customer_state"]}
-- parameters: {"p0":"canceled"}
WITH "leaf_0" AS (
  SELECT
    "j1"."customer_state" AS "customer__customer_state",
    SUM("m"."order_value") AS "order_value",
    COUNT("m"."order_count") AS "order_count"
  FROM (
    SELECT
      total_order_value AS "order_value",
      order_id AS "order_count",
      customer_id AS "customer",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  LEFT JOIN (
    SELECT
      customer_id AS "customer",
      customer_state AS "customer_state"
    FROM "marts"."dim_customer_current" AS "dim_customer_current"
  ) AS "j1" ON "m"."customer" = "j1"."customer"
  WHERE "m"."order_status" <> $p0
  GROUP BY "j1"."customer_state"
)
SELECT
  "l0"."customer__customer_state" AS "customer__customer_state",
  CAST("l0"."order_value" AS DOUBLE) / CAST(NULLIF("l0"."order_count", 0) AS DOUBLE) AS "average_order_value"
FROM "leaf_0" AS "l0"
