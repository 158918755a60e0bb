-- query: {"metrics":["avg_session_duration"],"groupBy":[{"name":"metric_time","grain":"month"}]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('month', "m"."session_date") AS DATE) AS "metric_time__month",
    AVG("m"."session_duration_average") AS "session_duration_average"
  FROM (
    SELECT
      session_duration_seconds AS "session_duration_average",
      session_date AS "session_date"
    FROM "marts"."fct_user_sessions" AS "fct_user_sessions"
  ) AS "m"
  GROUP BY CAST(DATE_TRUNC('month', "m"."session_date") AS DATE)
)
SELECT
  "l0"."metric_time__month" AS "metric_time__month",
  "l0"."session_duration_average" AS "avg_session_duration"
FROM "leaf_0" AS "l0"
