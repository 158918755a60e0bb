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
      SUM("r"."engaged_users") AS "engaged_users"
    FROM (
      SELECT
        date_day AS "period"
      FROM "marts"."dim_date" AS "dim_date"
      WHERE date_day >= CAST($p0 AS DATE) AND date_day < CAST($p1 AS DATE)
    ) AS "ts"
    INNER JOIN (
      SELECT
        "c"."row_period" AS "row_period",
        SUM("c"."change") AS "engaged_users"
      FROM (
        WITH "activity_spans" AS (
          SELECT
            MIN("n"."active_day") AS "span_start",
            CAST(MAX("n"."active_day") + INTERVAL 30 DAY AS DATE) AS "span_end"
          FROM (
            SELECT
              "s"."active_day" AS "active_day",
              "s"."active_value" AS "active_value",
              SUM("s"."starts_span") OVER (PARTITION BY "s"."active_value" ORDER BY "s"."active_day" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "span"
            FROM (
              SELECT
                "a"."active_day" AS "active_day",
                "a"."active_value" AS "active_value",
                CASE WHEN MAX("a"."active_day") OVER (PARTITION BY "a"."active_value" ORDER BY "a"."active_day" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= CAST("a"."active_day" - INTERVAL 30 DAY AS DATE) THEN 0 ELSE 1 END AS "starts_span"
              FROM (
                SELECT DISTINCT
                  "m"."event_date" AS "active_day",
                  "m"."engaged_users" AS "active_value"
                FROM (
                  SELECT
                    event_date AS "event_date",
                    user_id AS "engaged_users"
                  FROM "marts"."fct_user_engagement" AS "fct_user_engagement"
                  WHERE event_date >= CAST($p2 AS DATE) AND event_date < CAST($p3 AS DATE)
                ) AS "m"
              ) AS "a"
            ) AS "s"
          ) AS "n"
          GROUP BY "n"."active_value", "n"."span"
        )
        SELECT
          "p"."span_start" AS "row_period",
          1 AS "change"
        FROM "activity_spans" AS "p"
        UNION ALL
        SELECT
          "p"."span_end" AS "row_period",
          -1 AS "change"
        FROM "activity_spans" AS "p"
      ) AS "c"
      GROUP BY "c"."row_period"
    ) AS "r" ON "r"."row_period" <= "ts"."period"
    GROUP BY CAST(DATE_TRUNC('week', "ts"."period") AS DATE), "ts"."period"
    HAVING SUM("r"."engaged_users") > 0
  ) AS "d"
)
SELECT
  "l0"."metric_time__week" AS "metric_time__week",
  "l0"."engaged_users" AS "mau"
FROM "leaf_0" AS "l0"
