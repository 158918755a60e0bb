-- query: {"metrics":["dau"],"groupBy":["metric_time__month"]}
-- parameters: {}
WITH `leaf_0` AS (
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
  `l0`.`metric_time__month` AS `metric_time__month`,
  `l0`.`engaged_users` AS `dau`
FROM `leaf_0` AS `l0`
