-- query: {"metrics":["sessions"],"groupBy":["user__country"],"where":["{{ Dimension('user__country') }} LIKE 'B%'"]}
-- parameters: {"p0":"B%"}
WITH "leaf_0" AS (
  SELECT
    "j1"."country" AS "user__country",
    COUNT("m"."session_count") AS "session_count"
  FROM (
    SELECT
      session_id AS "session_count",
      user_id AS "user"
    FROM "marts"."fct_user_sessions" AS "fct_user_sessions"
  ) AS "m"
  LEFT JOIN (
    SELECT
      user_id AS "user",
      country AS "country"
    FROM "marts"."dim_users_current" AS "dim_users_current"
  ) AS "j1" ON "m"."user" = "j1"."user"
  WHERE "j1"."country" LIKE $p0
  GROUP BY "j1"."country"
)
SELECT
  "l0"."user__country" AS "user__country",
  "l0"."session_count" AS "sessions"
FROM "leaf_0" AS "l0"
