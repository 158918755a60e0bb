-- query: {"metrics":["orders"],"groupBy":["metric_time__month"],"orderBy":["metric_time"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`order_date`, MONTH) AS `metric_time__month`,
    COUNT(`m`.`order_count`) AS `order_count`
  FROM (
    SELECT
      order_id AS `order_count`,
      order_date AS `order_date`
    FROM `marts`.`fact_orders` AS `fact_orders`
  ) AS `m`
  GROUP BY DATE_TRUNC(`m`.`order_date`, MONTH)
)
SELECT
  `l0`.`metric_time__month` AS `metric_time__month`,
  `l0`.`order_count` AS `orders`
FROM `leaf_0` AS `l0`
ORDER BY `metric_time__month` NULLS LAST
