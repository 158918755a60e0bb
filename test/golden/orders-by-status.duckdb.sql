-- query: {"metrics":["orders"],"groupBy":["order__order_status"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    "m"."order_status" AS "order__order_status",
    COUNT("m"."order_count") AS "order_count"
  FROM (
    SELECT
      order_id AS "order_count",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  GROUP BY "m"."order_status"
)
SELECT
  "l0"."order__order_status" AS "order__order_status",
  "l0"."order_count" AS "orders"
FROM "leaf_0" AS "l0"
