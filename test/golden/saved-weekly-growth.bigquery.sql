-- query: {"savedQuery":"weekly_growth"}
-- parameters: {"p0":"2024-01-01","p1":"2025-01-02","p2":"2023-12-25","p3":"2025-01-02","p4":"2024-01-01","p5":"2025-01-01","p6":"2024-01-01","p7":"2025-01-02","p8":"2023-12-02","p9":"2025-01-02","p10":"2024-01-01","p11":"2025-01-01","p12":"2024-01-01","p13":"2025-01-02","p14":"2024-01-01","p15":"2025-01-01","p16":"2024-01-01","p17":"2025-01-02","p18":"2024-01-01","p19":"2025-01-01","p20":"canceled","p21":"2024-01-01","p22":"2025-01-02","p23":"canceled","p24":"2024-01-01","p25":"2025-01-01"}
WITH `leaf_0` AS (
  SELECT DISTINCT
    `d`.`metric_time__week` AS `metric_time__week`,
    LAST_VALUE(`d`.`engaged_users`) OVER (PARTITION BY `d`.`metric_time__week` ORDER BY `d`.`spine_period` ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `engaged_users`
  FROM (
    SELECT
      DATE_TRUNC(`ts`.`period`, ISOWEEK) AS `metric_time__week`,
      `ts`.`period` AS `spine_period`,
      SUM(`r`.`engaged_users`) AS `engaged_users`
    FROM (
      SELECT
        date_day AS `period`
      FROM `marts`.`dim_date` AS `dim_date`
      WHERE date_day >= CAST(@p0 AS DATE) AND date_day < CAST(@p1 AS DATE)
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
                  WHERE event_date >= CAST(@p2 AS DATE) AND event_date < CAST(@p3 AS DATE)
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
    WHERE `ts`.`period` >= CAST(@p4 AS DATE) AND `ts`.`period` < CAST(@p5 AS DATE)
    GROUP BY DATE_TRUNC(`ts`.`period`, ISOWEEK), `ts`.`period`
    HAVING SUM(`r`.`engaged_users`) > 0
  ) AS `d`
),
`leaf_1` AS (
  SELECT DISTINCT
    `d`.`metric_time__week` AS `metric_time__week`,
    LAST_VALUE(`d`.`engaged_users`) OVER (PARTITION BY `d`.`metric_time__week` ORDER BY `d`.`spine_period` ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `engaged_users`
  FROM (
    SELECT
      DATE_TRUNC(`ts`.`period`, ISOWEEK) AS `metric_time__week`,
      `ts`.`period` AS `spine_period`,
      SUM(`r`.`engaged_users`) AS `engaged_users`
    FROM (
      SELECT
        date_day AS `period`
      FROM `marts`.`dim_date` AS `dim_date`
      WHERE date_day >= CAST(@p6 AS DATE) AND date_day < CAST(@p7 AS DATE)
    ) AS `ts`
    INNER JOIN (
      SELECT
        `c`.`row_period` AS `row_period`,
        SUM(`c`.`change`) AS `engaged_users`
      FROM (
        WITH `activity_spans` AS (
          SELECT
            MIN(`n`.`active_day`) AS `span_start`,
            DATE_ADD(MAX(`n`.`active_day`), INTERVAL 30 DAY) AS `span_end`
          FROM (
            SELECT
              `s`.`active_day` AS `active_day`,
              `s`.`active_value` AS `active_value`,
              SUM(`s`.`starts_span`) OVER (PARTITION BY `s`.`active_value` ORDER BY `s`.`active_day` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `span`
            FROM (
              SELECT
                `a`.`active_day` AS `active_day`,
                `a`.`active_value` AS `active_value`,
                CASE WHEN MAX(`a`.`active_day`) OVER (PARTITION BY `a`.`active_value` ORDER BY `a`.`active_day` ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= DATE_SUB(`a`.`active_day`, INTERVAL 30 DAY) THEN 0 ELSE 1 END AS `starts_span`
              FROM (
                SELECT DISTINCT
                  `m`.`event_date` AS `active_day`,
                  `m`.`engaged_users` AS `active_value`
                FROM (
                  SELECT
                    event_date AS `event_date`,
                    user_id AS `engaged_users`
                  FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
                  WHERE event_date >= CAST(@p8 AS DATE) AND event_date < CAST(@p9 AS DATE)
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
    WHERE `ts`.`period` >= CAST(@p10 AS DATE) AND `ts`.`period` < CAST(@p11 AS DATE)
    GROUP BY DATE_TRUNC(`ts`.`period`, ISOWEEK), `ts`.`period`
    HAVING SUM(`r`.`engaged_users`) > 0
  ) AS `d`
),
`leaf_2` AS (
  SELECT
    DATE_TRUNC(`m`.`event_date`, ISOWEEK) AS `metric_time__week`,
    COUNT(DISTINCT `m`.`engaged_users`) AS `engaged_users`
  FROM (
    SELECT
      user_id AS `engaged_users`,
      event_date AS `event_date`
    FROM `marts`.`fct_user_engagement` AS `fct_user_engagement`
    WHERE event_date >= CAST(@p12 AS DATE) AND event_date < CAST(@p13 AS DATE)
  ) AS `m`
  WHERE `m`.`event_date` >= CAST(@p14 AS DATE) AND `m`.`event_date` < CAST(@p15 AS DATE)
  GROUP BY DATE_TRUNC(`m`.`event_date`, ISOWEEK)
),
`leaf_3` AS (
  SELECT
    DATE_TRUNC(`m`.`order_date`, ISOWEEK) AS `metric_time__week`,
    SUM(`m`.`order_value`) AS `order_value`
  FROM (
    SELECT
      total_order_value AS `order_value`,
      order_date AS `order_date`,
      order_status AS `order_status`
    FROM `marts`.`fact_orders` AS `fact_orders`
    WHERE order_date >= CAST(@p16 AS DATE) AND order_date < CAST(@p17 AS DATE)
  ) AS `m`
  WHERE `m`.`order_date` >= CAST(@p18 AS DATE) AND `m`.`order_date` < CAST(@p19 AS DATE) AND `m`.`order_status` <> @p20
  GROUP BY DATE_TRUNC(`m`.`order_date`, ISOWEEK)
),
`leaf_4` AS (
  SELECT
    `ts`.`period` AS `metric_time__week`,
    `a`.`order_value` AS `order_value`
  FROM (
    SELECT DISTINCT
      DATE_TRUNC(date_day, ISOWEEK) AS `period`
    FROM `marts`.`dim_date` AS `dim_date`
    WHERE date_day >= CAST(@p21 AS DATE) AND date_day < CAST(@p22 AS DATE)
  ) AS `ts`
  INNER JOIN (
    SELECT
      DATE_TRUNC(`m`.`order_date`, ISOWEEK) AS `metric_time__week`,
      SUM(`m`.`order_value`) AS `order_value`
    FROM (
      SELECT
        total_order_value AS `order_value`,
        order_date AS `order_date`,
        order_status AS `order_status`
      FROM `marts`.`fact_orders` AS `fact_orders`
    ) AS `m`
    WHERE `m`.`order_status` <> @p23
    GROUP BY DATE_TRUNC(`m`.`order_date`, ISOWEEK)
  ) AS `a` ON `a`.`metric_time__week` = DATE_SUB(`ts`.`period`, INTERVAL 1 WEEK)
  WHERE `ts`.`period` >= CAST(@p24 AS DATE) AND `ts`.`period` < CAST(@p25 AS DATE)
)
SELECT
  `q`.`metric_time__week` AS `metric_time__week`,
  `q`.`wau` AS `wau`,
  `q`.`mau` AS `mau`,
  `q`.`stickiness` AS `stickiness`,
  `q`.`revenue_wow_growth` AS `revenue_wow_growth`
FROM (
  SELECT
    COALESCE(`l0`.`metric_time__week`, `l1`.`metric_time__week`, `l2`.`metric_time__week`, `l3`.`metric_time__week`, `l4`.`metric_time__week`) AS `metric_time__week`,
    MAX(`l0`.`engaged_users`) AS `wau`,
    MAX(`l1`.`engaged_users`) AS `mau`,
    CAST(MAX(`l2`.`engaged_users`) AS FLOAT64) / CAST(NULLIF(MAX(`l1`.`engaged_users`), 0) AS FLOAT64) AS `stickiness`,
    CAST(MAX(`l3`.`order_value`) - MAX(`l4`.`order_value`) AS FLOAT64) / CAST(NULLIF(MAX(`l4`.`order_value`), 0) AS FLOAT64) AS `revenue_wow_growth`
  FROM `leaf_0` AS `l0`
  FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__week` = `l1`.`metric_time__week`
  FULL OUTER JOIN `leaf_2` AS `l2` ON COALESCE(`l0`.`metric_time__week`, `l1`.`metric_time__week`) = `l2`.`metric_time__week`
  FULL OUTER JOIN `leaf_3` AS `l3` ON COALESCE(`l0`.`metric_time__week`, `l1`.`metric_time__week`, `l2`.`metric_time__week`) = `l3`.`metric_time__week`
  FULL OUTER JOIN `leaf_4` AS `l4` ON COALESCE(`l0`.`metric_time__week`, `l1`.`metric_time__week`, `l2`.`metric_time__week`, `l3`.`metric_time__week`) = `l4`.`metric_time__week`
  GROUP BY COALESCE(`l0`.`metric_time__week`, `l1`.`metric_time__week`, `l2`.`metric_time__week`, `l3`.`metric_time__week`, `l4`.`metric_time__week`)
) AS `q`
ORDER BY `q`.`metric_time__week` NULLS LAST
