-- query: {"metrics":["revenue","sessions"],"groupBy":["metric_time__month"],"orderBy":["metric_time__month"]}
-- parameters: {"p0":"canceled"}
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
  ) AS `m`
  WHERE `m`.`order_status` <> @p0
  GROUP BY DATE_TRUNC(`m`.`order_date`, MONTH)
),
`leaf_1` AS (
  SELECT
    DATE_TRUNC(`m`.`session_date`, MONTH) AS `metric_time__month`,
    COUNT(`m`.`session_count`) AS `session_count`
  FROM (
    SELECT
      session_id AS `session_count`,
      session_date AS `session_date`
    FROM `marts`.`fct_user_sessions` AS `fct_user_sessions`
  ) AS `m`
  GROUP BY DATE_TRUNC(`m`.`session_date`, MONTH)
)
SELECT
  `q`.`metric_time__month` AS `metric_time__month`,
  `q`.`revenue` AS `revenue`,
  `q`.`sessions` AS `sessions`
FROM (
  SELECT
    COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`) AS `metric_time__month`,
    MAX(`l0`.`order_value`) AS `revenue`,
    MAX(`l1`.`session_count`) AS `sessions`
  FROM `leaf_0` AS `l0`
  FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__month` = `l1`.`metric_time__month`
  GROUP BY COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`)
) AS `q`
ORDER BY `q`.`metric_time__month` NULLS LAST
