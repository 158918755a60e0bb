-- query: {"metrics":["orders"],"groupBy":["metric_time__extract_dow","metric_time__extract_doy",{"name":"metric_time","datePart":"month"},"metric_time__extract_year"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    MOD(EXTRACT(DAYOFWEEK FROM `m`.`order_date`) + 5, 7) + 1 AS `metric_time__extract_dow`,
    EXTRACT(DAYOFYEAR FROM `m`.`order_date`) AS `metric_time__extract_doy`,
    EXTRACT(MONTH FROM `m`.`order_date`) AS `metric_time__extract_month`,
    EXTRACT(YEAR FROM `m`.`order_date`) AS `metric_time__extract_year`,
    COUNT(`m`.`order_count`) AS `order_count`
  FROM (
    SELECT
      order_id AS `order_count`,
      order_date AS `order_date`
    FROM `marts`.`fact_orders` AS `fact_orders`
  ) AS `m`
  GROUP BY MOD(EXTRACT(DAYOFWEEK FROM `m`.`order_date`) + 5, 7) + 1, EXTRACT(DAYOFYEAR FROM `m`.`order_date`), EXTRACT(MONTH FROM `m`.`order_date`), EXTRACT(YEAR FROM `m`.`order_date`)
)
SELECT
  `l0`.`metric_time__extract_dow` AS `metric_time__extract_dow`,
  `l0`.`metric_time__extract_doy` AS `metric_time__extract_doy`,
  `l0`.`metric_time__extract_month` AS `metric_time__extract_month`,
  `l0`.`metric_time__extract_year` AS `metric_time__extract_year`,
  `l0`.`order_count` AS `orders`
FROM `leaf_0` AS `l0`
