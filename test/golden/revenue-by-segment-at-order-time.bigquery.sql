-- query: {"metrics":["revenue"],"groupBy":["customer__customer_segment_at_order","customer__customer_segment"]}
-- parameters: {"p0":"9999-12-31 23:59:59","p1":"canceled"}
WITH `leaf_0` AS (
  SELECT
    `j1`.`customer_segment_at_order` AS `customer__customer_segment_at_order`,
    `j2`.`customer_segment` AS `customer__customer_segment`,
    SUM(`m`.`order_value`) AS `order_value`
  FROM (
    SELECT
      total_order_value AS `order_value`,
      customer_id AS `customer`,
      order_date AS `order_date`,
      order_status AS `order_status`
    FROM `marts`.`fact_orders` AS `fact_orders`
  ) AS `m`
  LEFT JOIN (
    SELECT
      customer_id AS `customer`,
      valid_to AS `segment_valid_to`,
      valid_from AS `segment_valid_from`,
      customer_segment AS `customer_segment_at_order`
    FROM `marts`.`dim_customer` AS `dim_customer`
  ) AS `j1` ON `m`.`customer` = `j1`.`customer` AND CAST(`m`.`order_date` AS TIMESTAMP) >= `j1`.`segment_valid_from` AND CAST(`m`.`order_date` AS TIMESTAMP) < COALESCE(`j1`.`segment_valid_to`, CAST(@p0 AS TIMESTAMP))
  LEFT JOIN (
    SELECT
      customer_id AS `customer`,
      customer_segment AS `customer_segment`
    FROM `marts`.`dim_customer_current` AS `dim_customer_current`
  ) AS `j2` ON `m`.`customer` = `j2`.`customer`
  WHERE `m`.`order_status` <> @p1
  GROUP BY `j1`.`customer_segment_at_order`, `j2`.`customer_segment`
)
SELECT
  `l0`.`customer__customer_segment_at_order` AS `customer__customer_segment_at_order`,
  `l0`.`customer__customer_segment` AS `customer__customer_segment`,
  `l0`.`order_value` AS `revenue`
FROM `leaf_0` AS `l0`
