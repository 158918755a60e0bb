-- query: {"metrics":["revenue_last_week"],"groupBy":["metric_time__month"]}
-- parameters: {"p0":"canceled"}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`ts`.`period`, MONTH) AS `metric_time__month`,
    SUM(`r`.`order_value`) AS `order_value`
  FROM (
    SELECT
      date_day AS `period`
    FROM `marts`.`dim_date` AS `dim_date`
  ) AS `ts`
  INNER JOIN (
    SELECT
      `m`.`order_date` AS `row_period`,
      SUM(`m`.`order_value`) AS `order_value`
    FROM (
      SELECT
        order_status AS `order_status`,
        order_date AS `order_date`,
        total_order_value AS `order_value`
      FROM `marts`.`fact_orders` AS `fact_orders`
    ) AS `m`
    WHERE `m`.`order_status` <> @p0
    GROUP BY `m`.`order_date`
  ) AS `r` ON `r`.`row_period` = DATE_SUB(`ts`.`period`, INTERVAL 1 WEEK)
  GROUP BY DATE_TRUNC(`ts`.`period`, MONTH)
)
SELECT
  `l0`.`metric_time__month` AS `metric_time__month`,
  `l0`.`order_value` AS `revenue_last_week`
FROM `leaf_0` AS `l0`
