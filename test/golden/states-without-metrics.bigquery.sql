-- query: {"groupBy":["customer__customer_state"],"orderBy":["customer__customer_state"],"limit":5}
-- parameters: {"p0":5}
SELECT
  `m`.`customer_state` AS `customer__customer_state`
FROM (
  SELECT
    customer_state AS `customer_state`
  FROM `marts`.`dim_customer_current` AS `dim_customer_current`
) AS `m`
GROUP BY `m`.`customer_state`
ORDER BY `customer__customer_state` NULLS LAST
LIMIT @p0
