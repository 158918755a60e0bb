-- query: {"metrics":["dau"],"groupBy":["session__user__country"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    `j2`.`country` AS `session__user__country`,
    COUNT(DISTINCT `m`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT
      user_id AS `engaged_users`,
      session_id AS `session`
    FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
  ) AS `m`
  LEFT JOIN (
    SELECT
      session_id AS `session`,
      user_id AS `user`
    FROM `marts`.`fct_user_sessions` AS `fct_user_sessions`
  ) AS `j1` ON `m`.`session` = `j1`.`session`
  LEFT JOIN (
    SELECT
      user_id AS `user`,
      country AS `country`
    FROM `marts`.`dim_users_current` AS `dim_users_current`
  ) AS `j2` ON `j1`.`user` = `j2`.`user`
  GROUP BY `j2`.`country`
)
SELECT
  `l0`.`session__user__country` AS `session__user__country`,
  `l0`.`engaged_users` AS `dau`
FROM `leaf_0` AS `l0`
