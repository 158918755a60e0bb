-- query: {"metrics":["late_deliveries"],"groupBy":["metric_time__quarter"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('quarter', "m"."order_date") AS DATE) AS "metric_time__quarter",
    SUM(CAST("m"."late_deliveries" AS BIGINT)) AS "late_deliveries"
  FROM (
    SELECT
      is_late_delivery AS "late_deliveries",
      order_date AS "order_date"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  GROUP BY CAST(DATE_TRUNC('quarter', "m"."order_date") AS DATE)
)
SELECT
  "l0"."metric_time__quarter" AS "metric_time__quarter",
  "l0"."late_deliveries" AS "late_deliveries"
FROM "leaf_0" AS "l0"
