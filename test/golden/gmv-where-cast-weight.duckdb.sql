-- query: {"metrics":["gross_merchandise_value"],"groupBy":["product__product_category"],"where":["CAST({{ Dimension('product__product_weight_g') }} AS INTEGER) > 1234"]}
-- parameters: {"p0":1234}
WITH "leaf_0" AS (
  SELECT
    "j1"."product_category" AS "product__product_category",
    SUM("m"."item_price") AS "item_price"
  FROM (
    SELECT
      price AS "item_price",
      product_id AS "product"
    FROM "marts"."fact_order_items" AS "fact_order_items"
  ) AS "m"
  LEFT JOIN (
    SELECT
      product_id AS "product",
      product_category AS "product_category",
      product_weight_g AS "product_weight_g"
    FROM "marts"."dim_product" AS "dim_product"
  ) AS "j1" ON "m"."product" = "j1"."product"
  WHERE CAST("j1"."product_weight_g" AS BIGINT) > $p0
  GROUP BY "j1"."product_category"
)
SELECT
  "l0"."product__product_category" AS "product__product_category",
  "l0"."item_price" AS "gross_merchandise_value"
FROM "leaf_0" AS "l0"
