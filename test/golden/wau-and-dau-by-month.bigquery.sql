-- query: {"metrics":["wau","dau"],"groupBy":["metric_time__month"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT DISTINCT
    `d`.`metric_time__month` AS `metric_time__month`,
    LAST_VALUE(`d`.`engaged_users`) OVER (PARTITION BY `d`.`metric_time__month` ORDER BY `d`.`spine_period` ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `engaged_users`
  FROM (
    SELECT
      DATE_TRUNC(`ts`.`period`, MONTH) AS `metric_time__month`,
      `ts`.`period` AS `spine_period`,
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
    GROUP BY DATE_TRUNC(`ts`.`period`, MONTH), `ts`.`period`
  ) AS `d`
),
`leaf_1` AS (
  SELECT
    DATE_TRUNC(`m`.`event_date`, MONTH) AS `metric_time__month`,
    COUNT(DISTINCT `m`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT
      user_id AS `engaged_users`,
      event_date AS `event_date`
    FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
  ) AS `m`
  GROUP BY DATE_TRUNC(`m`.`event_date`, MONTH)
)
SELECT
  COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`) AS `metric_time__month`,
  MAX(`l0`.`engaged_users`) AS `wau`,
  MAX(`l1`.`engaged_users`) AS `dau`
FROM `leaf_0` AS `l0`
FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__month` = `l1`.`metric_time__month`
GROUP BY COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`)
