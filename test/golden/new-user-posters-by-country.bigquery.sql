-- query: {"metrics":["new_user_posters"],"groupBy":["user__country"],"startTime":"2024-02-01","endTime":"2024-04-30"}
-- parameters: {"p0":"2024-02-01","p1":"2024-05-01","p2":"2024-02-01","p3":"2024-05-01","p4":"2024-02-01","p5":"2024-05-08","p6":"post_created","p7":0}
WITH `leaf_0` AS (
  SELECT
    `m`.`country` AS `user__country`,
    COUNT(DISTINCT `m`.`new_users`) AS `new_users`
  FROM (
    SELECT
      user_id AS `new_users`,
      country AS `country`
    FROM `marts`.`dim_users_current` AS `dim_users_current`
    WHERE signup_date >= CAST(@p0 AS DATE) AND signup_date < CAST(@p1 AS DATE)
  ) AS `m`
  GROUP BY `m`.`country`
),
`leaf_1` AS (
  SELECT
    `e`.`user__country` AS `user__country`,
    COUNT(DISTINCT `e`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT DISTINCT
      FIRST_VALUE(`b`.`user__country`) OVER (PARTITION BY `c`.`conversion_id` ORDER BY `b`.`event_time` DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `user__country`,
      `c`.`conversion_id` AS `conversion_id`,
      `c`.`engaged_users` AS `engaged_users`
    FROM (
      SELECT
        `m`.`country` AS `user__country`,
        `m`.`user` AS `conversion_entity`,
        `m`.`signup_date` AS `event_time`
      FROM (
        SELECT
          country AS `country`,
          signup_date AS `signup_date`,
          user_id AS `user`
        FROM `marts`.`dim_users_current` AS `dim_users_current`
        WHERE signup_date >= CAST(@p2 AS DATE) AND signup_date < CAST(@p3 AS DATE)
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
          user_id AS `engaged_users`,
          event_type AS `event_type`
        FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
        WHERE event_date >= CAST(@p4 AS DATE) AND event_date < CAST(@p5 AS DATE)
      ) AS `m`
      WHERE `m`.`event_type` = @p6
    ) AS `c` ON `b`.`conversion_entity` = `c`.`conversion_entity` AND `b`.`event_time` <= `c`.`event_time` AND `b`.`event_time` > DATE_SUB(`c`.`event_time`, INTERVAL 7 DAY)
  ) AS `e`
  GROUP BY `e`.`user__country`
)
SELECT
  COALESCE(`l0`.`user__country`, `l1`.`user__country`) AS `user__country`,
  COALESCE(MAX(`l1`.`engaged_users`), @p7) AS `new_user_posters`
FROM `leaf_0` AS `l0`
FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`user__country` = `l1`.`user__country`
GROUP BY COALESCE(`l0`.`user__country`, `l1`.`user__country`)
