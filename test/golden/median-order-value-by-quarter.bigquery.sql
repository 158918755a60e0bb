-- query: {"metrics":["median_order_value","p90_order_value"],"groupBy":["metric_time__quarter"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`order_date`, QUARTER) AS `metric_time__quarter`,
    APPROX_QUANTILES(`m`.`order_value_median`, 2)[OFFSET(1)] AS `order_value_median`,
    APPROX_QUANTILES(`m`.`order_value_p90`, 10)[OFFSET(9)] AS `order_value_p90`
  FROM (
    SELECT
      total_order_value AS `order_value_median`,
      total_order_value AS `order_value_p90`,
      order_date AS `order_date`
    FROM `marts`.`fact_orders` AS `fact_orders`
  ) AS `m`
  GROUP BY DATE_TRUNC(`m`.`order_date`, QUARTER)
)
SELECT
  `l0`.`metric_time__quarter` AS `metric_time__quarter`,
  `l0`.`order_value_median` AS `median_order_value`,
  `l0`.`order_value_p90` AS `p90_order_value`
FROM `leaf_0` AS `l0`
