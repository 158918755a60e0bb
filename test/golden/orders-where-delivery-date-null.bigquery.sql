-- query: {"metrics":["orders"],"groupBy":["order__order_status"],"where":["{{ TimeDimension('order__delivery_date', 'day') }} IS NULL"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    `m`.`order_status` AS `order__order_status`,
    COUNT(`m`.`order_count`) AS `order_count`
  FROM (
    SELECT
      order_id AS `order_count`,
      order_status AS `order_status`,
      delivery_date AS `delivery_date`
    FROM `marts`.`fact_orders` AS `fact_orders`
  ) AS `m`
  WHERE `m`.`delivery_date` IS NULL
  GROUP BY `m`.`order_status`
)
SELECT
  `l0`.`order__order_status` AS `order__order_status`,
  `l0`.`order_count` AS `orders`
FROM `leaf_0` AS `l0`
