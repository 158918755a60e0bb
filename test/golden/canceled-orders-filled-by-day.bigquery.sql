-- query: {"metrics":["canceled_orders"],"groupBy":["metric_time__day"],"startTime":"2024-03-01","endTime":"2024-03-31"}
-- parameters: {"p0":"2024-03-01","p1":"2024-04-01","p2":"2024-03-01","p3":"2024-04-01","p4":"canceled","p5":0}
WITH `leaf_0` AS (
  SELECT
    `ts`.`metric_time__day` AS `metric_time__day`,
    `a`.`order_count` AS `order_count`
  FROM (
    SELECT DISTINCT
      `s`.`period` AS `metric_time__day`
    FROM (
      SELECT
        date_day AS `period`
      FROM `marts`.`dim_date` AS `dim_date`
      WHERE date_day >= CAST(@p0 AS DATE) AND date_day < CAST(@p1 AS DATE)
    ) AS `s`
  ) AS `ts`
  LEFT JOIN (
    SELECT
      `m`.`order_date` AS `metric_time__day`,
      COUNT(`m`.`order_count`) AS `order_count`
    FROM (
      SELECT
        order_id AS `order_count`,
        order_date AS `order_date`,
        order_status AS `order_status`
      FROM `marts`.`fact_orders` AS `fact_orders`
      WHERE order_date >= CAST(@p2 AS DATE) AND order_date < CAST(@p3 AS DATE)
    ) AS `m`
    WHERE `m`.`order_status` = @p4
    GROUP BY `m`.`order_date`
  ) AS `a` ON `ts`.`metric_time__day` = `a`.`metric_time__day`
)
SELECT
  `l0`.`metric_time__day` AS `metric_time__day`,
  COALESCE(`l0`.`order_count`, @p5) AS `canceled_orders`
FROM `leaf_0` AS `l0`
