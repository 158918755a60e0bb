import type { DemoStep } from './demo-app-marts-sql';
import { DemoSizePlan, WINDOW_DAYS, WINDOW_START } from './demo-size-plan';

const W0 = `DATE '${WINDOW_START}'`;

/**
 * End-of-day stock of the best-selling products (the lowest product keys), consistent with the
 * orders: a unit leaves stock on the day a non-canceled order line for it is placed. Each product is
 * restocked every 1–4 weeks, on its own phase, with what sold in the previous cycle, and starts the
 * window holding its busiest cycle's sales plus a safety stock; so stock saw-tooths between that
 * level and the safety stock and never runs out. Everything is read from the finished order facts,
 * so no draw of the orders changes here.
 */
export function inventoryStep(plan: DemoSizePlan): DemoStep {
  return {
    name: 'fct_inventory_daily',
    statements: [
      `CREATE OR REPLACE TABLE marts.fct_inventory_daily AS
       WITH tracked AS (
         SELECT product_key, product_id, list_price,
                (7 * (1 + floor(rnd(product_key, 0, 'inv.cycle') * 4)))::INTEGER AS cycle_days,
                floor(rnd(product_key, 0, 'inv.phase') * 28)::INTEGER AS phase,
                (3 + floor(rexp(product_key, 0, 'inv.safety', 6.0)))::INTEGER AS safety_stock
         FROM marts.dim_product WHERE product_key <= ${plan.inventoryProducts}
       ), sold AS (
         SELECT i.product_id, i.order_date, count(*) AS units
         FROM marts.fact_order_items i JOIN marts.fact_orders o ON o.order_id = i.order_id
         WHERE o.order_status <> 'canceled'
         GROUP BY i.product_id, i.order_date
       ), daily AS (
         SELECT t.product_key, t.product_id, t.list_price, t.safety_stock, d.day,
                ${W0} + d.day::INTEGER AS snapshot_date,
                (d.day + t.phase) // t.cycle_days AS cycle,
                coalesce(s.units, 0) AS units_sold
         FROM tracked t CROSS JOIN range(${WINDOW_DAYS}) d(day)
         LEFT JOIN sold s ON s.product_id = t.product_id AND s.order_date = ${W0} + d.day::INTEGER
       ), cycles AS (
         SELECT product_id, cycle, sum(units_sold) AS cycle_sold, min(day) AS first_day FROM daily GROUP BY product_id, cycle
       ), planned AS (
         SELECT *, lag(cycle_sold, 1, 0) OVER (PARTITION BY product_id ORDER BY cycle) AS restock,
                max(cycle_sold) OVER (PARTITION BY product_id) AS peak_cycle_sold
         FROM cycles
       ), stocked AS (
         -- Opening stock + everything received so far - everything sold so far = the level the cycle
         -- started at (opening stock) minus what this cycle has sold up to the day.
         SELECT d.*, CASE WHEN d.day = p.first_day THEN p.restock ELSE 0 END AS units_received,
                p.peak_cycle_sold + d.safety_stock
                  - sum(d.units_sold) OVER (PARTITION BY d.product_id, d.cycle ORDER BY d.day) AS units_on_hand
         FROM daily d JOIN planned p ON p.product_id = d.product_id AND p.cycle = d.cycle
       )
       SELECT snapshot_date, product_key, product_id, units_on_hand::INTEGER AS units_on_hand,
              units_received::INTEGER AS units_received, units_sold::INTEGER AS units_sold,
              (units_on_hand * list_price)::DECIMAL(12,2) AS stock_value
       FROM stocked
       ORDER BY snapshot_date, product_key`,
    ],
  };
}
