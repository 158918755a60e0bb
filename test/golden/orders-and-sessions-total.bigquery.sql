-- query: {"metrics":["orders","sessions"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    COUNT(`m`.`order_count`) AS `order_count`
  FROM (
    SELECT
      order_id AS `order_count`
    FROM `marts`.`fact_orders` AS `fact_orders`
  ) AS `m`
),
`leaf_1` AS (
  SELECT
    COUNT(`m`.`session_count`) AS `session_count`
  FROM (
    SELECT
      session_id AS `session_count`
    FROM `marts`.`fct_user_sessions` AS `fct_user_sessions`
  ) AS `m`
)
SELECT
  `l0`.`order_count` AS `orders`,
  `l1`.`session_count` AS `sessions`
FROM `leaf_0` AS `l0`
CROSS JOIN `leaf_1` AS `l1`
