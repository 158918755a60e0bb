-- query: {"metrics":["late_delivery_rate"],"groupBy":["metric_time__month"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('month', "m"."order_date") AS DATE) AS "metric_time__month",
    SUM(CAST("m"."late_deliveries" AS BIGINT)) AS "late_deliveries",
    SUM("m"."delivered_order_count") AS "delivered_order_count"
  FROM (
    SELECT
      is_late_delivery AS "late_deliveries",
      case when order_status = 'delivered' then 1 else 0 end AS "delivered_order_count",
      order_date AS "order_date"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  GROUP BY CAST(DATE_TRUNC('month', "m"."order_date") AS DATE)
)
SELECT
  "l0"."metric_time__month" AS "metric_time__month",
  CAST("l0"."late_deliveries" AS DOUBLE) / CAST(NULLIF("l0"."delivered_order_count", 0) AS DOUBLE) AS "late_delivery_rate"
FROM "leaf_0" AS "l0"
