-- query: {"metrics":["revenue"],"groupBy":["customer"]}
-- parameters: {"p0":"canceled"}
WITH "leaf_0" AS (
  SELECT
    "m"."customer" AS "customer",
    SUM("m"."order_value") AS "order_value"
  FROM (
    SELECT
      total_order_value AS "order_value",
      customer_id AS "customer",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  WHERE "m"."order_status" <> $p0
  GROUP BY "m"."customer"
)
SELECT
  "l0"."customer" AS "customer",
  "l0"."order_value" AS "revenue"
FROM "leaf_0" AS "l0"
