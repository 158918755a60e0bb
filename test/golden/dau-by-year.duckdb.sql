-- query: {"metrics":["dau"],"groupBy":["metric_time__year"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('year', "m"."event_date") AS DATE) AS "metric_time__year",
    COUNT(DISTINCT "m"."engaged_users") AS "engaged_users"
  FROM (
    SELECT
      user_id AS "engaged_users",
      event_date AS "event_date"
    FROM "marts"."fct_user_engagement" AS "fct_user_engagement"
  ) AS "m"
  GROUP BY CAST(DATE_TRUNC('year', "m"."event_date") AS DATE)
)
SELECT
  "l0"."metric_time__year" AS "metric_time__year",
  "l0"."engaged_users" AS "dau"
FROM "leaf_0" AS "l0"
