-- query: {"metrics":["revenue"],"groupBy":["metric_time__month"],"startTime":"2024-02-15","endTime":"2024-03-10"}
-- parameters: {"p0":"2024-02-01","p1":"2024-04-01","p2":"canceled"}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`order_date`, MONTH) AS `metric_time__month`,
    SUM(`m`.`order_value`) AS `order_value`
  FROM (
    SELECT
      total_order_value AS `order_value`,
      order_date AS `order_date`,
      order_status AS `order_status`
    FROM `marts`.`fact_orders` AS `fact_orders`
    WHERE order_date >= CAST(@p0 AS DATE) AND order_date < CAST(@p1 AS DATE)
  ) AS `m`
  WHERE `m`.`order_status` <> @p2
  GROUP BY DATE_TRUNC(`m`.`order_date`, MONTH)
)
SELECT
  `l0`.`metric_time__month` AS `metric_time__month`,
  `l0`.`order_value` AS `revenue`
FROM `leaf_0` AS `l0`
