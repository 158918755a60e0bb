-- query: {"metrics":["revenue"],"groupBy":["metric_time__fiscal_quarter"]}
-- parameters: {"p0":"canceled"}
WITH "leaf_0" AS (
  SELECT
    "s1"."fiscal_quarter" AS "metric_time__fiscal_quarter",
    SUM("m"."order_value") AS "order_value"
  FROM (
    SELECT
      total_order_value AS "order_value",
      order_date AS "order_date",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  LEFT JOIN "marts"."dim_date" AS "s1" ON "s1"."date_day" = "m"."order_date"
  WHERE "m"."order_status" <> $p0
  GROUP BY "s1"."fiscal_quarter"
)
SELECT
  "l0"."metric_time__fiscal_quarter" AS "metric_time__fiscal_quarter",
  "l0"."order_value" AS "revenue"
FROM "leaf_0" AS "l0"
