-- query: {"metrics":["customer_lifetime_value"],"groupBy":["metric_time__month"]}
-- parameters: {"p0":"canceled"}
WITH `leaf_0` AS (
  SELECT DISTINCT
    `d`.`metric_time__month` AS `metric_time__month`,
    LAST_VALUE(`d`.`order_value`) OVER (PARTITION BY `d`.`metric_time__month` ORDER BY `d`.`spine_period` ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `order_value`,
    LAST_VALUE(`d`.`ordering_customers`) OVER (PARTITION BY `d`.`metric_time__month` ORDER BY `d`.`spine_period` ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `ordering_customers`
  FROM (
    SELECT
      DATE_TRUNC(`ts`.`period`, MONTH) AS `metric_time__month`,
      `ts`.`period` AS `spine_period`,
      SUM(`r`.`order_value`) AS `order_value`,
      COUNT(DISTINCT `r`.`ordering_customers`) AS `ordering_customers`
    FROM (
      SELECT
        date_day AS `period`
      FROM `marts`.`dim_date` AS `dim_date`
    ) AS `ts`
    INNER JOIN (
      SELECT
        `m`.`order_date` AS `row_period`,
        `m`.`order_value` AS `order_value`,
        `m`.`ordering_customers` AS `ordering_customers`,
        `m`.`order_status` AS `ref_0`
      FROM (
        SELECT
          order_date AS `order_date`,
          total_order_value AS `order_value`,
          customer_id AS `ordering_customers`,
          order_status AS `order_status`
        FROM `marts`.`fact_orders` AS `fact_orders`
      ) AS `m`
    ) AS `r` ON `r`.`row_period` <= `ts`.`period`
    WHERE `r`.`ref_0` <> @p0
    GROUP BY DATE_TRUNC(`ts`.`period`, MONTH), `ts`.`period`
  ) AS `d`
)
SELECT
  `l0`.`metric_time__month` AS `metric_time__month`,
  CAST(`l0`.`order_value` AS FLOAT64) / CAST(NULLIF(`l0`.`ordering_customers`, 0) AS FLOAT64) AS `customer_lifetime_value`
FROM `leaf_0` AS `l0`
