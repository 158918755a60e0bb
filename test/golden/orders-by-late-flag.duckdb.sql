-- query: {"metrics":["orders","revenue"],"groupBy":["order__is_late_delivery"]}
-- parameters: {"p0":"canceled"}
WITH "leaf_0" AS (
  SELECT
    "m"."is_late_delivery" AS "order__is_late_delivery",
    COUNT("m"."order_count") AS "order_count"
  FROM (
    SELECT
      order_id AS "order_count",
      is_late_delivery AS "is_late_delivery"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  GROUP BY "m"."is_late_delivery"
),
"leaf_1" AS (
  SELECT
    "m"."is_late_delivery" AS "order__is_late_delivery",
    SUM("m"."order_value") AS "order_value"
  FROM (
    SELECT
      total_order_value AS "order_value",
      is_late_delivery AS "is_late_delivery",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  WHERE "m"."order_status" <> $p0
  GROUP BY "m"."is_late_delivery"
)
SELECT
  COALESCE("l0"."order__is_late_delivery", "l1"."order__is_late_delivery") AS "order__is_late_delivery",
  MAX("l0"."order_count") AS "orders",
  MAX("l1"."order_value") AS "revenue"
FROM "leaf_0" AS "l0"
FULL OUTER JOIN "leaf_1" AS "l1" ON "l0"."order__is_late_delivery" = "l1"."order__is_late_delivery"
GROUP BY COALESCE("l0"."order__is_late_delivery", "l1"."order__is_late_delivery")
