-- query: {"metrics":["closing_stock_units","opening_stock_units"],"groupBy":["metric_time__month"]}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    `r`.`metric_time__month` AS `metric_time__month`,
    SUM(`r`.`units_on_hand`) AS `units_on_hand`
  FROM (
    SELECT
      DATE_TRUNC(`m`.`snapshot_date`, MONTH) AS `metric_time__month`,
      `m`.`units_on_hand` AS `units_on_hand`,
      `m`.`snapshot_date` AS `non_additive_time`,
      MAX(`m`.`snapshot_date`) OVER (PARTITION BY `m`.`product`, DATE_TRUNC(`m`.`snapshot_date`, MONTH)) AS `non_additive_bound`
    FROM (
      SELECT
        units_on_hand AS `units_on_hand`,
        snapshot_date AS `snapshot_date`,
        product_id AS `product`
      FROM `marts`.`fct_inventory_daily` AS `fct_inventory_daily`
    ) AS `m`
  ) AS `r`
  WHERE `r`.`non_additive_time` = `r`.`non_additive_bound`
  GROUP BY `r`.`metric_time__month`
),
`leaf_1` AS (
  SELECT
    `r`.`metric_time__month` AS `metric_time__month`,
    SUM(`r`.`opening_units_on_hand`) AS `opening_units_on_hand`
  FROM (
    SELECT
      DATE_TRUNC(`m`.`snapshot_date`, MONTH) AS `metric_time__month`,
      `m`.`opening_units_on_hand` AS `opening_units_on_hand`,
      `m`.`snapshot_date` AS `non_additive_time`,
      MIN(`m`.`snapshot_date`) OVER (PARTITION BY `m`.`product`, DATE_TRUNC(`m`.`snapshot_date`, MONTH)) AS `non_additive_bound`
    FROM (
      SELECT
        units_on_hand AS `opening_units_on_hand`,
        snapshot_date AS `snapshot_date`,
        product_id AS `product`
      FROM `marts`.`fct_inventory_daily` AS `fct_inventory_daily`
    ) AS `m`
  ) AS `r`
  WHERE `r`.`non_additive_time` = `r`.`non_additive_bound`
  GROUP BY `r`.`metric_time__month`
)
SELECT
  COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`) AS `metric_time__month`,
  MAX(`l0`.`units_on_hand`) AS `closing_stock_units`,
  MAX(`l1`.`opening_units_on_hand`) AS `opening_stock_units`
FROM `leaf_0` AS `l0`
FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__month` = `l1`.`metric_time__month`
GROUP BY COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`)
