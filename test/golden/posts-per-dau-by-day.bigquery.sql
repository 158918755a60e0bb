-- query: {"metrics":["posts_per_dau"],"groupBy":["metric_time__day"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    `m`.`event_date` AS `metric_time__day`,
    SUM(`m`.`posts_created`) AS `posts_created`,
    COUNT(DISTINCT `m`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT
      case when event_type = 'post_created' then 1 else 0 end AS `posts_created`,
      user_id AS `engaged_users`,
      event_date AS `event_date`
    FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
  ) AS `m`
  GROUP BY `m`.`event_date`
)
SELECT
  `l0`.`metric_time__day` AS `metric_time__day`,
  CAST(`l0`.`posts_created` AS FLOAT64) / CAST(NULLIF(`l0`.`engaged_users`, 0) AS FLOAT64) AS `posts_per_dau`
FROM `leaf_0` AS `l0`
