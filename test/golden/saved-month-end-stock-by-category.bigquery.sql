-- query: {"savedQuery":"month_end_stock_by_category"}
-- parameters: {}
WITH `leaf_0` AS (
  SELECT
    `r`.`metric_time__month` AS `metric_time__month`,
    `r`.`product__product_category` AS `product__product_category`,
    SUM(`r`.`units_on_hand`) AS `units_on_hand`
  FROM (
    SELECT
      DATE_TRUNC(`m`.`snapshot_date`, MONTH) AS `metric_time__month`,
      `j1`.`product_category` AS `product__product_category`,
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
    LEFT JOIN (
      SELECT
        product_id AS `product`,
        product_category AS `product_category`
      FROM `marts`.`dim_product` AS `dim_product`
    ) AS `j1` ON `m`.`product` = `j1`.`product`
  ) AS `r`
  WHERE `r`.`non_additive_time` = `r`.`non_additive_bound`
  GROUP BY `r`.`metric_time__month`, `r`.`product__product_category`
),
`leaf_1` AS (
  SELECT
    `r`.`metric_time__month` AS `metric_time__month`,
    `r`.`product__product_category` AS `product__product_category`,
    SUM(`r`.`stock_value`) AS `stock_value`
  FROM (
    SELECT
      DATE_TRUNC(`m`.`snapshot_date`, MONTH) AS `metric_time__month`,
      `j1`.`product_category` AS `product__product_category`,
      `m`.`stock_value` AS `stock_value`,
      `m`.`snapshot_date` AS `non_additive_time`,
      MAX(`m`.`snapshot_date`) OVER (PARTITION BY `m`.`product`, DATE_TRUNC(`m`.`snapshot_date`, MONTH)) AS `non_additive_bound`
    FROM (
      SELECT
        stock_value AS `stock_value`,
        snapshot_date AS `snapshot_date`,
        product_id AS `product`
      FROM `marts`.`fct_inventory_daily` AS `fct_inventory_daily`
    ) AS `m`
    LEFT JOIN (
      SELECT
        product_id AS `product`,
        product_category AS `product_category`
      FROM `marts`.`dim_product` AS `dim_product`
    ) AS `j1` ON `m`.`product` = `j1`.`product`
  ) AS `r`
  WHERE `r`.`non_additive_time` = `r`.`non_additive_bound`
  GROUP BY `r`.`metric_time__month`, `r`.`product__product_category`
)
SELECT
  `q`.`metric_time__month` AS `metric_time__month`,
  `q`.`product__product_category` AS `product__product_category`,
  `q`.`closing_stock_units` AS `closing_stock_units`,
  `q`.`closing_stock_value` AS `closing_stock_value`
FROM (
  SELECT
    COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`) AS `metric_time__month`,
    COALESCE(`l0`.`product__product_category`, `l1`.`product__product_category`) AS `product__product_category`,
    MAX(`l0`.`units_on_hand`) AS `closing_stock_units`,
    MAX(`l1`.`stock_value`) AS `closing_stock_value`
  FROM `leaf_0` AS `l0`
  FULL OUTER JOIN `leaf_1` AS `l1` ON `l0`.`metric_time__month` = `l1`.`metric_time__month` AND `l0`.`product__product_category` = `l1`.`product__product_category`
  GROUP BY COALESCE(`l0`.`metric_time__month`, `l1`.`metric_time__month`), COALESCE(`l0`.`product__product_category`, `l1`.`product__product_category`)
) AS `q`
ORDER BY `q`.`metric_time__month` NULLS LAST, `q`.`product__product_category` NULLS LAST
