-- query: {"metrics":["late_deliveries"],"groupBy":["metric_time__quarter"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`order_date`, QUARTER) AS `metric_time__quarter`,
    SUM(CAST(`m`.`late_deliveries` AS INT64)) AS `late_deliveries`
  FROM (
    SELECT
      is_late_delivery AS `late_deliveries`,
      order_date AS `order_date`
    FROM `marts`.`fact_orders` AS `fact_orders`
  ) AS `m`
  GROUP BY DATE_TRUNC(`m`.`order_date`, QUARTER)
)
SELECT
  `l0`.`metric_time__quarter` AS `metric_time__quarter`,
  `l0`.`late_deliveries` AS `late_deliveries`
FROM `leaf_0` AS `l0`
