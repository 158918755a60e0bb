-- query: {"metrics":["mau"],"groupBy":["metric_time__week"],"startTime":"2024-03-06","endTime":"2024-03-20"}
-- parameters: {"p0":"2024-03-04","p1":"2024-03-25","p2":"2024-02-03","p3":"2024-03-25"}
WITH "leaf_0" AS (
  SELECT DISTINCT
    "d"."metric_time__week" AS "metric_time__week",
    LAST_VALUE("d"."engaged_users") OVER (PARTITION BY "d"."metric_time__week" ORDER BY "d"."spine_period" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "engaged_users"
  FROM (
    SELECT
      CAST(DATE_TRUNC('week', "ts"."period") AS DATE) AS "metric_time__week",
      "ts"."period" AS "spine_period",
      COUNT(DISTINCT "r"."engaged_users") AS "engaged_users"
    FROM (
      SELECT
        date_day AS "period"
      FROM "marts"."dim_date" AS "dim_date"
      WHERE date_day >= CAST($p0 AS DATE) AND date_day < CAST($p1 AS DATE)
    ) AS "ts"
    INNER JOIN (
      SELECT DISTINCT
        "m"."event_date" AS "row_period",
        "m"."engaged_users" AS "engaged_users"
      FROM (
        SELECT
          event_date AS "event_date",
          user_id AS "engaged_users"
        FROM "marts"."fct_user_engagement" AS "fct_user_engagement"
        WHERE event_date >= CAST($p2 AS DATE) AND event_date < CAST($p3 AS DATE)
      ) AS "m"
    ) AS "r" ON "r"."row_period" <= "ts"."period" AND "r"."row_period" > CAST("ts"."period" - INTERVAL 30 DAY AS DATE)
    GROUP BY CAST(DATE_TRUNC('week', "ts"."period") AS DATE), "ts"."period"
  ) AS "d"
)
SELECT
  "l0"."metric_time__week" AS "metric_time__week",
  "l0"."engaged_users" AS "mau"
FROM "leaf_0" AS "l0"
