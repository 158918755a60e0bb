-- query: {"metrics":["wau"],"groupBy":["metric_time__day"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    `ts`.`period` AS `metric_time__day`,
    COUNT(DISTINCT `r`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT
      date_day AS `period`
    FROM `marts`.`dim_date` AS `dim_date`
  ) AS `ts`
  INNER JOIN (
    SELECT DISTINCT
      `m`.`event_date` AS `row_period`,
      `m`.`engaged_users` AS `engaged_users`
    FROM (
      SELECT
        event_date AS `event_date`,
        user_id AS `engaged_users`
      FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
    ) AS `m`
  ) AS `r` ON `r`.`row_period` <= `ts`.`period` AND `r`.`row_period` > DATE_SUB(`ts`.`period`, INTERVAL 7 DAY)
  GROUP BY `ts`.`period`
)
SELECT
  `l0`.`metric_time__day` AS `metric_time__day`,
  `l0`.`engaged_users` AS `wau`
FROM `leaf_0` AS `l0`
