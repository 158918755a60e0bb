-- query: {"groupBy":["metric_time__month"],"startTime":"2024-01-10","endTime":"2024-03-02"}
-- parameters: {"p0":"2024-01-01","p1":"2024-04-01"}
SELECT
  CAST(DATE_TRUNC('month', "ts"."period") AS DATE) AS "metric_time__month"
FROM (
  SELECT
    date_day AS "period"
  FROM "marts"."dim_date" AS "dim_date"
  WHERE date_day >= CAST($p0 AS DATE) AND date_day < CAST($p1 AS DATE)
) AS "ts"
GROUP BY CAST(DATE_TRUNC('month', "ts"."period") AS DATE)
