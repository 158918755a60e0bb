-- query: {"metrics":["orders"],"groupBy":["metric_time__day"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    "m"."order_date" AS "metric_time__day",
    COUNT("m"."order_count") AS "order_count"
  FROM (
    SELECT
      order_id AS "order_count",
      order_date AS "order_date"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  GROUP BY "m"."order_date"
)
SELECT
  "l0"."metric_time__day" AS "metric_time__day",
  "l0"."order_count" AS "orders"
FROM "leaf_0" AS "l0"
