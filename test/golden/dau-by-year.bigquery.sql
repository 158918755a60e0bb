-- query: {"metrics":["dau"],"groupBy":["metric_time__year"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`event_date`, YEAR) AS `metric_time__year`,
    COUNT(DISTINCT `m`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT
      user_id AS `engaged_users`,
      event_date AS `event_date`
    FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
  ) AS `m`
  GROUP BY DATE_TRUNC(`m`.`event_date`, YEAR)
)
SELECT
  `l0`.`metric_time__year` AS `metric_time__year`,
  `l0`.`engaged_users` AS `dau`
FROM `leaf_0` AS `l0`
