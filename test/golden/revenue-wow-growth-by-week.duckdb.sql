-- query: {"metrics":["revenue_wow_growth"],"groupBy":["metric_time__week"]}
-- parameters: {"p0":"canceled","p1":"canceled"}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('week', "m"."order_date") AS DATE) AS "metric_time__week",
    SUM("m"."order_value") AS "order_value"
  FROM (
    SELECT
      total_order_value AS "order_value",
      order_date AS "order_date",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  WHERE "m"."order_status" <> $p0
  GROUP BY CAST(DATE_TRUNC('week', "m"."order_date") AS DATE)
),
"leaf_1" AS (
  SELECT
    "ts"."period" AS "metric_time__week",
    "a"."order_value" AS "order_value"
  FROM (
    SELECT DISTINCT
      CAST(DATE_TRUNC('week', date_day) AS DATE) AS "period"
    FROM "marts"."dim_date" AS "dim_date"
  ) AS "ts"
  INNER JOIN (
    SELECT
      CAST(DATE_TRUNC('week', "m"."order_date") AS DATE) AS "metric_time__week",
      SUM("m"."order_value") AS "order_value"
    FROM (
      SELECT
        total_order_value AS "order_value",
        order_date AS "order_date",
        order_status AS "order_status"
      FROM "marts"."fact_orders" AS "fact_orders"
    ) AS "m"
    WHERE "m"."order_status" <> $p1
    GROUP BY CAST(DATE_TRUNC('week', "m"."order_date") AS DATE)
  ) AS "a" ON "a"."metric_time__week" = CAST("ts"."period" - INTERVAL 1 WEEK AS DATE)
)
SELECT
  COALESCE("l0"."metric_time__week", "l1"."metric_time__week") AS "metric_time__week",
  CAST(MAX("l0"."order_value") - MAX("l1"."order_value") AS DOUBLE) / CAST(NULLIF(MAX("l1"."order_value"), 0) AS DOUBLE) AS "revenue_wow_growth"
FROM "leaf_0" AS "l0"
FULL OUTER JOIN "leaf_1" AS "l1" ON "l0"."metric_time__week" = "l1"."metric_time__week"
GROUP BY COALESCE("l0"."metric_time__week", "l1"."metric_time__week")
