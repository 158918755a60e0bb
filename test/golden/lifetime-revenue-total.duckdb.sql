-- query: {"metrics":["lifetime_revenue"]}
-- parameters: {"p0":"canceled"}
WITH "leaf_0" AS (
  SELECT
    SUM("m"."order_value") AS "order_value"
  FROM (
    SELECT
      total_order_value AS "order_value",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  WHERE "m"."order_status" <> $p0
)
SELECT
  "l0"."order_value" AS "lifetime_revenue"
FROM "leaf_0" AS "l0"
