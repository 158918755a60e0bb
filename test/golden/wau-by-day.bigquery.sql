-- query: {"metrics":["wau"],"groupBy":["metric_time__day"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    `ts`.`period` AS `metric_time__day`,
    SUM(`r`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT
      date_day AS `period`
    FROM `marts`.`dim_date` AS `dim_date`
  ) AS `ts`
  INNER JOIN (
    SELECT
      `c`.`row_period` AS `row_period`,
      SUM(`c`.`change`) AS `engaged_users`
    FROM (
      WITH `activity_spans` AS (
        SELECT
          MIN(`n`.`active_day`) AS `span_start`,
          DATE_ADD(MAX(`n`.`active_day`), INTERVAL 7 DAY) AS `span_end`
        FROM (
          SELECT
            `s`.`active_day` AS `active_day`,
            `s`.`active_value` AS `active_value`,
            SUM(`s`.`starts_span`) OVER (PARTITION BY `s`.`active_value` ORDER BY `s`.`active_day` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `span`
          FROM (
            SELECT
              `a`.`active_day` AS `active_day`,
              `a`.`active_value` AS `active_value`,
              CASE WHEN MAX(`a`.`active_day`) OVER (PARTITION BY `a`.`active_value` ORDER BY `a`.`active_day` ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= DATE_SUB(`a`.`active_day`, INTERVAL 7 DAY) THEN 0 ELSE 1 END AS `starts_span`
            FROM (
              SELECT DISTINCT
                `m`.`event_date` AS `active_day`,
                `m`.`engaged_users` AS `active_value`
              FROM (
                SELECT
                  event_date AS `event_date`,
                  user_id AS `engaged_users`
                FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
              ) AS `m`
            ) AS `a`
          ) AS `s`
        ) AS `n`
        GROUP BY `n`.`active_value`, `n`.`span`
      )
      SELECT
        `p`.`span_start` AS `row_period`,
        1 AS `change`
      FROM `activity_spans` AS `p`
      UNION ALL
      SELECT
        `p`.`span_end` AS `row_period`,
        -1 AS `change`
      FROM `activity_spans` AS `p`
    ) AS `c`
    GROUP BY `c`.`row_period`
  ) AS `r` ON `r`.`row_period` <= `ts`.`period`
  GROUP BY `ts`.`period`
  HAVING SUM(`r`.`engaged_users`) > 0
)
SELECT
  `l0`.`metric_time__day` AS `metric_time__day`,
  `l0`.`engaged_users` AS `wau`
FROM `leaf_0` AS `l0`
