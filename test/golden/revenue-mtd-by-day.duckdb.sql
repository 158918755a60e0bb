-- query: {"metrics":["revenue_mtd"],"groupBy":["metric_time__day"]}
-- parameters: {"p0":"canceled"}
WITH "leaf_0" AS (
  SELECT
    "ts"."period" AS "metric_time__day",
    SUM("r"."order_value") AS "order_value"
  FROM (
    SELECT
      date_day AS "period"
    FROM "marts"."dim_date" AS "dim_date"
  ) AS "ts"
  INNER JOIN (
    SELECT
      "m"."order_date" AS "row_period",
      SUM("m"."order_value") AS "order_value"
    FROM (
      SELECT
        order_status AS "order_status",
        order_date AS "order_date",
        total_order_value AS "order_value"
      FROM "marts"."fact_orders" AS "fact_orders"
    ) AS "m"
    WHERE "m"."order_status" <> $p0
    GROUP BY "m"."order_date"
  ) AS "r" ON "r"."row_period" <= "ts"."period" AND "r"."row_period" >= CAST(DATE_TRUNC('month', "ts"."period") AS DATE)
  GROUP BY "ts"."period"
)
SELECT
  "l0"."metric_time__day" AS "metric_time__day",
  "l0"."order_value" AS "revenue_mtd"
FROM "leaf_0" AS "l0"
