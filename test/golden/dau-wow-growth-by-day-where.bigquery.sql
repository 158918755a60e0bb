-- query: {"metrics":["dau_wow_growth"],"groupBy":["metric_time__day"],"where":["{{ TimeDimension('metric_time', 'day') }} >= '2024-03-01'"]}
-- parameters: {"p0":"2024-03-01","p1":"2024-03-01","p2":"2024-03-01","p3":"2024-03-01"}
WITH `leaf_0` AS (
  SELECT
    `m`.`event_date` AS `metric_time__day`,
    COUNT(DISTINCT `m`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT
      user_id AS `engaged_users`,
      event_date AS `event_date`
    FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
    WHERE event_date >= CAST(@p0 AS DATE)
  ) AS `m`
  WHERE `m`.`event_date` >= CAST(@p1 AS DATE)
  GROUP BY `m`.`event_date`
),
`leaf_1` AS (
  SELECT
    `ts`.`period` AS `metric_time__day`,
    `a`.`engaged_users` AS `engaged_users`
  FROM (
    SELECT
      date_day AS `period`
    FROM `marts`.`dim_date` AS `dim_date`
    WHERE date_day >= CAST(@p2 AS DATE)
  ) AS `ts`
  INNER JOIN (
    SELECT
      `m`.`event_date` AS `metric_time__day`,
      COUNT(DISTINCT `m`.`engaged_users`) AS `engaged_users`
    FROM (
      SELECT
        user_id AS `engaged_users`,
        event_date AS `event_date`
      FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
    ) AS `m`
    GROUP BY `m`.`event_date`
  ) AS `a` ON `a`.`metric_time__day` = DATE_SUB(`ts`.`period`, INTERVAL 1 WEEK)
  WHERE `ts`.`period` >= CAST(@p3 AS DATE)
)
SELECT
  COALESCE(`l0`.`metric_time__day`, `l1`.`metric_time__day`) AS `metric_time__day`,
  CAST(MAX(`l0`.`engaged_users`) - MAX(`l1`.`engaged_users`) AS FLOAT64) / CAST(NULLIF(MAX(`l1`.`engaged_users`), 0) AS FLOAT64) AS `dau_wow_growth`
FROM `leaf_0` AS `l0`
FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__day` = `l1`.`metric_time__day`
GROUP BY COALESCE(`l0`.`metric_time__day`, `l1`.`metric_time__day`)
