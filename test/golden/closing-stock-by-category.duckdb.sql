-- query: {"metrics":["closing_stock_value"],"groupBy":["product__product_category"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    "r"."product__product_category" AS "product__product_category",
    SUM("r"."stock_value") AS "stock_value"
  FROM (
    SELECT
      "j1"."product_category" AS "product__product_category",
      "m"."stock_value" AS "stock_value",
      "m"."snapshot_date" AS "non_additive_time",
      MAX("m"."snapshot_date") OVER (PARTITION BY "m"."product") AS "non_additive_bound"
    FROM (
      SELECT
        stock_value AS "stock_value",
        product_id AS "product",
        snapshot_date AS "snapshot_date"
      FROM "marts"."fct_inventory_daily" AS "fct_inventory_daily"
    ) AS "m"
    LEFT JOIN (
      SELECT
        product_id AS "product",
        product_category AS "product_category"
      FROM "marts"."dim_product" AS "dim_product"
    ) AS "j1" ON "m"."product" = "j1"."product"
  ) AS "r"
  WHERE "r"."non_additive_time" = "r"."non_additive_bound"
  GROUP BY "r"."product__product_category"
)
SELECT
  "l0"."product__product_category" AS "product__product_category",
  "l0"."stock_value" AS "closing_stock_value"
FROM "leaf_0" AS "l0"
