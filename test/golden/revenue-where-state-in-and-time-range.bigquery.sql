-- query: {"metrics":["revenue"],"groupBy":["metric_time__month","customer__customer_state"],"where":["{{ Dimension('customer__customer_state') }} IN ('SP', 'RJ', 'MG')","{{ TimeDimension('metric_time', 'day') }} BETWEEN '2024-02-01' AND '2024-04-30'"]}
-- parameters: {"p0":"2024-02-01","p1":"2024-05-01","p2":"SP","p3":"RJ","p4":"MG","p5":"2024-02-01","p6":"2024-04-30","p7":"canceled"}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`order_date`, MONTH) AS `metric_time__month`,
    `j1`.`customer_state` AS `customer__customer_state`,
    SUM(`m`.`order_value`) AS `order_value`
  FROM (
    SELECT
      total_order_value AS `order_value`,
      order_date AS `order_date`,
      customer_id AS `customer`,
      order_status AS `order_status`
    FROM `marts`.`fact_orders` AS `fact_orders`
    WHERE order_date >= CAST(@p0 AS DATE) AND order_date < CAST(@p1 AS DATE)
  ) AS `m`
  LEFT JOIN (
    SELECT
      customer_id AS `customer`,
      customer_state AS `customer_state`
    FROM `marts`.`dim_customer_current` AS `dim_customer_current`
  ) AS `j1` ON `m`.`customer` = `j1`.`customer`
  WHERE `j1`.`customer_state` IN (@p2, @p3, @p4) AND `m`.`order_date` BETWEEN CAST(@p5 AS DATE) AND CAST(@p6 AS DATE) AND `m`.`order_status` <> @p7
  GROUP BY DATE_TRUNC(`m`.`order_date`, MONTH), `j1`.`customer_state`
)
SELECT
  `l0`.`metric_time__month` AS `metric_time__month`,
  `l0`.`customer__customer_state` AS `customer__customer_state`,
  `l0`.`order_value` AS `revenue`
FROM `leaf_0` AS `l0`
