-- query: {"metrics":["revenue_per_customer"],"groupBy":["customer__customer_segment"]}
-- parameters: {"p0":"canceled","p1":0}
WITH "leaf_0" AS (
  SELECT
    "j1"."customer_segment" AS "customer__customer_segment",
    SUM("m"."order_value") AS "order_value",
    COUNT(DISTINCT "m"."ordering_customers") AS "ordering_customers"
  FROM (
    SELECT
      total_order_value AS "order_value",
      customer_id AS "ordering_customers",
      customer_id AS "customer",
      order_status AS "order_status"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  LEFT JOIN (
    SELECT
      customer_id AS "customer",
      customer_segment AS "customer_segment"
    FROM "marts"."dim_customer_current" AS "dim_customer_current"
  ) AS "j1" ON "m"."customer" = "j1"."customer"
  WHERE "m"."order_status" <> $p0
  GROUP BY "j1"."customer_segment"
)
SELECT
  "l0"."customer__customer_segment" AS "customer__customer_segment",
  CAST("l0"."order_value" AS DOUBLE) / CAST(NULLIF(NULLIF("l0"."ordering_customers", $p1), 0) AS DOUBLE) AS "revenue_per_customer"
FROM "leaf_0" AS "l0"
