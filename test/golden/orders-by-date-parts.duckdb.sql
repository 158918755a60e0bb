-- query: {"metrics":["orders"],"groupBy":["metric_time__extract_dow","metric_time__extract_doy",{"name":"metric_time","datePart":"month"},"metric_time__extract_year"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    EXTRACT(isodow FROM "m"."order_date") AS "metric_time__extract_dow",
    EXTRACT(doy FROM "m"."order_date") AS "metric_time__extract_doy",
    EXTRACT(month FROM "m"."order_date") AS "metric_time__extract_month",
    EXTRACT(year FROM "m"."order_date") AS "metric_time__extract_year",
    COUNT("m"."order_count") AS "order_count"
  FROM (
    SELECT
      order_id AS "order_count",
      order_date AS "order_date"
    FROM "marts"."fact_orders" AS "fact_orders"
  ) AS "m"
  GROUP BY EXTRACT(isodow FROM "m"."order_date"), EXTRACT(doy FROM "m"."order_date"), EXTRACT(month FROM "m"."order_date"), EXTRACT(year FROM "m"."order_date")
)
SELECT
  "l0"."metric_time__extract_dow" AS "metric_time__extract_dow",
  "l0"."metric_time__extract_doy" AS "metric_time__extract_doy",
  "l0"."metric_time__extract_month" AS "metric_time__extract_month",
  "l0"."metric_time__extract_year" AS "metric_time__extract_year",
  "l0"."order_count" AS "orders"
FROM "leaf_0" AS "l0"
