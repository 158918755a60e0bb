-- query: {"metrics":["posts"],"groupBy":["content__content_type","device__platform"]}
-- parameters: {}
WITH "leaf_0" AS (
  SELECT
    "j1"."content_type" AS "content__content_type",
    "j2"."platform" AS "device__platform",
    SUM("m"."posts_created") AS "posts_created"
  FROM (
    SELECT
      case when event_type = 'post_created' then 1 else 0 end AS "posts_created",
      content_id AS "content",
      device_key AS "device"
    FROM "marts"."fct_user_engagement" AS "fct_user_engagement"
  ) AS "m"
  LEFT JOIN (
    SELECT
      content_id AS "content",
      content_type AS "content_type"
    FROM "marts"."dim_content" AS "dim_content"
  ) AS "j1" ON "m"."content" = "j1"."content"
  LEFT JOIN (
    SELECT
      device_key AS "device",
      platform AS "platform"
    FROM "marts"."dim_device" AS "dim_device"
  ) AS "j2" ON "m"."device" = "j2"."device"
  GROUP BY "j1"."content_type", "j2"."platform"
)
SELECT
  "l0"."content__content_type" AS "content__content_type",
  "l0"."device__platform" AS "device__platform",
  "l0"."posts_created" AS "posts"
FROM "leaf_0" AS "l0"
