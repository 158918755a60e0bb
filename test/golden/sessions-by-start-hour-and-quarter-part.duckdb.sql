-- query: {"metrics":["sessions"],"groupBy":["session__session_start__hour","metric_time__extract_quarter"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    DATE_TRUNC('hour', "m"."session_start") AS "session__session_start__hour",
    EXTRACT(quarter FROM "m"."session_date") AS "metric_time__extract_quarter",
    COUNT("m"."session_count") AS "session_count"
  FROM (
    SELECT
      session_id AS "session_count",
      session_start AS "session_start",
      session_date AS "session_date"
    FROM "marts"."fct_user_sessions" AS "fct_user_sessions"
  ) AS "m"
  GROUP BY DATE_TRUNC('hour', "m"."session_start"), EXTRACT(quarter FROM "m"."session_date")
)
SELECT
  "l0"."session__session_start__hour" AS "session__session_start__hour",
  "l0"."metric_time__extract_quarter" AS "metric_time__extract_quarter",
  "l0"."session_count" AS "sessions"
FROM "leaf_0" AS "l0"
