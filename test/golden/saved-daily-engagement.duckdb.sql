-- query: {"savedQuery":"daily_engagement"}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    "m"."event_date" AS "metric_time__day",
    COUNT(DISTINCT "m"."engaged_users") AS "engaged_users"
  FROM (
    SELECT
      user_id AS "engaged_users",
      event_date AS "event_date"
    FROM "marts"."fct_user_engagement" AS "fct_user_engagement"
  ) AS "m"
  GROUP BY "m"."event_date"
),
"leaf_1" AS (
  SELECT
    "m"."session_date" AS "metric_time__day",
    COUNT("m"."session_count") AS "session_count"
  FROM (
    SELECT
      session_id AS "session_count",
      session_date AS "session_date"
    FROM "marts"."fct_user_sessions" AS "fct_user_sessions"
  ) AS "m"
  GROUP BY "m"."session_date"
)
SELECT
  "q"."metric_time__day" AS "metric_time__day",
  "q"."dau" AS "dau",
  "q"."sessions" AS "sessions"
FROM (
  SELECT
    COALESCE("l0"."metric_time__day", "l1"."metric_time__day") AS "metric_time__day",
    MAX("l0"."engaged_users") AS "dau",
    MAX("l1"."session_count") AS "sessions"
  FROM "leaf_0" AS "l0"
  FULL OUTER JOIN "leaf_1" AS "l1" ON "l0"."metric_time__day" = "l1"."metric_time__day"
  GROUP BY COALESCE("l0"."metric_time__day", "l1"."metric_time__day")
) AS "q"
ORDER BY "q"."metric_time__day" NULLS LAST
