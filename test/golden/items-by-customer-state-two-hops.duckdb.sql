-- query: {"metrics":["items_sold"],"groupBy":["order__customer__customer_state"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    "j2"."customer_state" AS "order__customer__customer_state",
    COUNT("m"."item_count") AS "item_count"
  FROM (
    SELECT
      order_item_key AS "item_count",
      order_id AS "order"
    FROM "marts"."fact_order_items" AS "fact_order_items"
  ) AS "m"
  LEFT JOIN (
    SELECT
      order_id AS "order",
      customer_id AS "customer"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "j1" ON "m"."order" = "j1"."order"
  LEFT JOIN (
    SELECT
      customer_id AS "customer",
      customer_state AS "customer_state"
    FROM "marts"."dim_customer_current" AS "dim_customer_current"
  ) AS "j2" ON "j1"."customer" = "j2"."customer"
  GROUP BY "j2"."customer_state"
)
SELECT
  "l0"."order__customer__customer_state" AS "order__customer__customer_state",
  "l0"."item_count" AS "items_sold"
FROM "leaf_0" AS "l0"
