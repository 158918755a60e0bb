-- query: {"metrics":["dau"],"groupBy":["metric_time__month","user__country_at_event"]}
-- parameters: {"p0":"9999-12-31 23:59:59"}
WITH "leaf_0" AS (
  SELECT
    CAST(DATE_TRUNC('month', "m"."event_date") AS DATE) AS "metric_time__month",
    "j1"."country_at_event" AS "user__country_at_event",
    COUNT(DISTINCT "m"."engaged_users") AS "engaged_users"
  FROM (
    SELECT
      user_id AS "engaged_users",
      event_date AS "event_date",
      user_id AS "user"
    FROM "marts"."fct_user_engagement" AS "fct_user_engagement"
  ) AS "m"
  LEFT JOIN (
    SELECT
      user_id AS "user",
      valid_to AS "user_version_valid_to",
      valid_from AS "user_version_valid_from",
      country AS "country_at_event"
    FROM "marts"."dim_users" AS "dim_users"
  ) AS "j1" ON "m"."user" = "j1"."user" AND CAST("m"."event_date" AS TIMESTAMP) >= "j1"."user_version_valid_from" AND CAST("m"."event_date" AS TIMESTAMP) < COALESCE("j1"."user_version_valid_to", CAST($p0 AS TIMESTAMP))
  GROUP BY CAST(DATE_TRUNC('month', "m"."event_date") AS DATE), "j1"."country_at_event"
)
SELECT
  "l0"."metric_time__month" AS "metric_time__month",
  "l0"."user__country_at_event" AS "user__country_at_event",
  "l0"."engaged_users" AS "dau"
FROM "leaf_0" AS "l0"
