-- query: {"metrics":["revenue_growth_since_month_start"],"groupBy":["metric_time__week"]}
-- parameters: {"p0":"canceled","p1":"canceled"}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`order_date`, ISOWEEK) AS `metric_time__week`,
    SUM(`m`.`order_value`) AS `order_value`
  FROM (
    SELECT
      total_order_value AS `order_value`,
      order_date AS `order_date`,
      order_status AS `order_status`
    FROM `marts`.`fact_orders` AS `fact_orders`
  ) AS `m`
  WHERE `m`.`order_status` <> @p0
  GROUP BY DATE_TRUNC(`m`.`order_date`, ISOWEEK)
),
`leaf_1` AS (
  SELECT
    DATE_TRUNC(`ts`.`period`, ISOWEEK) AS `metric_time__week`,
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
    WHERE `m`.`order_status` <> @p1
    GROUP BY `m`.`order_date`
  ) AS `r` ON `r`.`row_period` = DATE_TRUNC(`ts`.`period`, MONTH)
  WHERE DATE_TRUNC(`ts`.`period`, ISOWEEK) = `ts`.`period`
  GROUP BY DATE_TRUNC(`ts`.`period`, ISOWEEK)
)
SELECT
  COALESCE(`l0`.`metric_time__week`, `l1`.`metric_time__week`) AS `metric_time__week`,
  MAX(`l0`.`order_value`) - MAX(`l1`.`order_value`) AS `revenue_growth_since_month_start`
FROM `leaf_0` AS `l0`
FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__week` = `l1`.`metric_time__week`
GROUP BY COALESCE(`l0`.`metric_time__week`, `l1`.`metric_time__week`)
