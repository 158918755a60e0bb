-- query: {"metrics":["d1_retention"],"groupBy":["metric_time__month"]}
-- parameters: {"p0":0}
WITH `leaf_0` AS (
  SELECT
    DATE_TRUNC(`m`.`signup_date`, MONTH) AS `metric_time__month`,
    COUNT(DISTINCT `m`.`new_users`) AS `new_users`
  FROM (
    SELECT
      user_id AS `new_users`,
      signup_date AS `signup_date`
    FROM `marts`.`dim_users_current` AS `dim_users_current`
  ) AS `m`
  GROUP BY DATE_TRUNC(`m`.`signup_date`, MONTH)
),
`leaf_1` AS (
  SELECT
    `e`.`metric_time__month` AS `metric_time__month`,
    COUNT(DISTINCT `e`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT DISTINCT
      FIRST_VALUE(`b`.`metric_time__month`) OVER (PARTITION BY `c`.`conversion_id` ORDER BY `b`.`event_time` DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `metric_time__month`,
      `c`.`conversion_id` AS `conversion_id`,
      `c`.`engaged_users` AS `engaged_users`
    FROM (
      SELECT
        DATE_TRUNC(`m`.`signup_date`, MONTH) AS `metric_time__month`,
        `m`.`user` AS `conversion_entity`,
        `m`.`signup_date` AS `event_time`
      FROM (
        SELECT
          signup_date AS `signup_date`,
          user_id AS `user`
        FROM `marts`.`dim_users_current` AS `dim_users_current`
      ) AS `m`
    ) AS `b`
    INNER JOIN (
      SELECT
        `m`.`user` AS `conversion_entity`,
        `m`.`event_date` AS `event_time`,
        `m`.`engaged_users` AS `engaged_users`,
        GENERATE_UUID() AS `conversion_id`
      FROM (
        SELECT
          event_date AS `event_date`,
          user_id AS `user`,
          user_id AS `engaged_users`
        FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
      ) AS `m`
      LEFT JOIN (
        SELECT
          user_id AS `user`,
          signup_date AS `signup_date`
        FROM `marts`.`dim_users_current` AS `dim_users_current`
      ) AS `j1` ON `m`.`user` = `j1`.`user`
      WHERE `m`.`event_date` > `j1`.`signup_date`
    ) AS `c` ON `b`.`conversion_entity` = `c`.`conversion_entity` AND `b`.`event_time` <= `c`.`event_time` AND `b`.`event_time` > DATE_SUB(`c`.`event_time`, INTERVAL 2 DAY)
  ) AS `e`
  GROUP BY `e`.`metric_time__month`
)
SELECT
  COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`) AS `metric_time__month`,
  CAST(COALESCE(MAX(`l1`.`engaged_users`), @p0) AS FLOAT64) / CAST(NULLIF(MAX(`l0`.`new_users`), 0) AS FLOAT64) AS `d1_retention`
FROM `leaf_0` AS `l0`
FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__month` = `l1`.`metric_time__month`
GROUP BY COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`)
