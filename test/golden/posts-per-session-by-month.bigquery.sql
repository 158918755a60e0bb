-- query: {"metrics":["posts_per_session"],"groupBy":["metric_time__month"]}
-- parameters: {"p0":0}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`event_date`, MONTH) AS `metric_time__month`,
    SUM(`m`.`posts_created`) AS `posts_created`
  FROM (
    SELECT
      case when event_type = 'post_created' then 1 else 0 end AS `posts_created`,
      event_date AS `event_date`
    FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
  ) AS `m`
  GROUP BY DATE_TRUNC(`m`.`event_date`, MONTH)
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
  COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`) AS `metric_time__month`,
  CAST(MAX(`l0`.`posts_created`) AS FLOAT64) / CAST(NULLIF(NULLIF(MAX(`l1`.`session_count`), @p0), 0) AS FLOAT64) AS `posts_per_session`
FROM `leaf_0` AS `l0`
FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__month` = `l1`.`metric_time__month`
GROUP BY COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`)
