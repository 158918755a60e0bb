-- query: {"metrics":["ordering_customers"],"groupBy":["metric_time__week"]}
-- parameters: {"p0":"canceled"}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('week', "m"."order_date") AS DATE) AS "metric_time__week",
    COUNT(DISTINCT "m"."ordering_customers") AS "ordering_customers"
  FROM (
    SELECT
      customer_id AS "ordering_customers",
      order_date AS "order_date",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  WHERE "m"."order_status" <> $p0
  GROUP BY CAST(DATE_TRUNC('week', "m"."order_date") AS DATE)
)
SELECT
  "l0"."metric_time__week" AS "metric_time__week",
  "l0"."ordering_customers" AS "ordering_customers"
FROM "leaf_0" AS "l0"
