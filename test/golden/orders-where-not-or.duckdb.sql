-- query: {"metrics":["orders"],"groupBy":["order__order_status"],"where":["NOT {{ Dimension('order__order_status') }} = 'canceled' OR {{ Dimension('order__is_late_delivery') }} = TRUE"]}
-- parameters: {"p0":"canceled","p1":true}
WITH "leaf_0" AS (
  SELECT
    "m"."order_status" AS "order__order_status",
    COUNT("m"."order_count") AS "order_count"
  FROM (
    SELECT
      order_id AS "order_count",
      order_status AS "order_status",
      is_late_delivery AS "is_late_delivery"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  WHERE NOT "m"."order_status" = $p0 OR "m"."is_late_delivery" = $p1
  GROUP BY "m"."order_status"
)
SELECT
  "l0"."order__order_status" AS "order__order_status",
  "l0"."order_count" AS "orders"
FROM "leaf_0" AS "l0"
