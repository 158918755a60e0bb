-- query: {"metrics":["customer_lifetime_value"],"groupBy":["metric_time__month"]}
-- parameters: {"p0":"canceled","p1":"canceled"}
WITH "leaf_0" AS (
  SELECT DISTINCT
    "d"."metric_time__month" AS "metric_time__month",
    LAST_VALUE("d"."order_value") OVER (PARTITION BY "d"."metric_time__month" ORDER BY "d"."spine_period" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "order_value"
  FROM (
    SELECT
      CAST(DATE_TRUNC('month', "ts"."period") AS DATE) AS "metric_time__month",
      "ts"."period" AS "spine_period",
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
    ) AS "r" ON "r"."row_period" <= "ts"."period"
    GROUP BY CAST(DATE_TRUNC('month', "ts"."period") AS DATE), "ts"."period"
  ) AS "d"
),
"leaf_1" AS (
  SELECT DISTINCT
    "d"."metric_time__month" AS "metric_time__month",
    LAST_VALUE("d"."ordering_customers") OVER (PARTITION BY "d"."metric_time__month" ORDER BY "d"."spine_period" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "ordering_customers"
  FROM (
    SELECT
      CAST(DATE_TRUNC('month', "ts"."period") AS DATE) AS "metric_time__month",
      "ts"."period" AS "spine_period",
      SUM("r"."ordering_customers") AS "ordering_customers"
    FROM (
      SELECT
        date_day AS "period"
      FROM "marts"."dim_date" AS "dim_date"
    ) AS "ts"
    INNER JOIN (
      SELECT
        "f"."row_period" AS "row_period",
        COUNT("f"."distinct_value") AS "ordering_customers"
      FROM (
        SELECT
          MIN("m"."order_date") AS "row_period",
          "m"."ordering_customers" AS "distinct_value"
        FROM (
          SELECT
            order_status AS "order_status",
            order_date AS "order_date",
            customer_id AS "ordering_customers"
          FROM "marts"."fact_orders" AS "fact_orders"
        ) AS "m"
        WHERE "m"."order_status" <> $p1
        GROUP BY "m"."ordering_customers"
      ) AS "f"
      GROUP BY "f"."row_period"
    ) AS "r" ON "r"."row_period" <= "ts"."period"
    GROUP BY CAST(DATE_TRUNC('month', "ts"."period") AS DATE), "ts"."period"
  ) AS "d"
)
SELECT
  COALESCE("l0"."metric_time__month", "l1"."metric_time__month") AS "metric_time__month",
  CAST(MAX("l0"."order_value") AS DOUBLE) / CAST(NULLIF(MAX("l1"."ordering_customers"), 0) AS DOUBLE) AS "customer_lifetime_value"
FROM "leaf_0" AS "l0"
FULL OUTER JOIN "leaf_1" AS "l1" ON "l0"."metric_time__month" = "l1"."metric_time__month"
GROUP BY COALESCE("l0"."metric_time__month", "l1"."metric_time__month")
