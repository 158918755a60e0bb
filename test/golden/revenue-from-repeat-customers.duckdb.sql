-- query: {"metrics":["revenue"],"groupBy":["metric_time__month"],"where":["{{ Metric('orders', group_by=['customer']) }} >= 2"]}
-- parameters: {"p0":2,"p1":"canceled"}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('month', "m"."order_date") AS DATE) AS "metric_time__month",
    SUM("m"."order_value") AS "order_value"
  FROM (
    SELECT
      total_order_value AS "order_value",
      order_date AS "order_date",
      customer_id AS "customer",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  LEFT JOIN (
    WITH "orders_leaf_0" AS (
      SELECT
        "m"."customer" AS "customer",
        COUNT("m"."order_count") AS "order_count"
      FROM (
        SELECT
          order_id AS "order_count",
          customer_id AS "customer"
        FROM "marts"."fact_orders" AS "fact_orders"
      ) AS "m"
      GROUP BY "m"."customer"
    )
    SELECT
      "l0"."customer" AS "customer",
      "l0"."order_count" AS "orders"
    FROM "orders_leaf_0" AS "l0"
  ) AS "f1" ON "f1"."customer" = "m"."customer"
  WHERE "f1"."orders" >= $p0 AND "m"."order_status" <> $p1
  GROUP BY CAST(DATE_TRUNC('month', "m"."order_date") AS DATE)
)
SELECT
  "l0"."metric_time__month" AS "metric_time__month",
  "l0"."order_value" AS "revenue"
FROM "leaf_0" AS "l0"
