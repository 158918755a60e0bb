-- query: {"metrics":["revenue"],"groupBy":["customer__customer_state"],"orderBy":["-revenue"],"limit":13}
-- parameters: {"p0":"canceled","p1":13}
WITH "leaf_0" AS (
  SELECT
    "j1"."customer_state" AS "customer__customer_state",
    SUM("m"."order_value") AS "order_value"
  FROM (
    SELECT
      total_order_value AS "order_value",
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
  "l0"."order_value" AS "revenue"
FROM "leaf_0" AS "l0"
ORDER BY "revenue" DESC NULLS LAST
LIMIT $p1
