import { DemoStep } from './demo-app-marts-sql';
import { inventoryStep } from './demo-inventory-sql';
import { BR_CITIES, CUSTOMER_SEGMENTS, PRODUCT_CATEGORIES, SHOP_HOUR_WEIGHTS } from './demo-reference-data';
import { DemoSizePlan, WINDOW_DAYS, WINDOW_END, WINDOW_START } from './demo-size-plan';
import { changeAtMidnight, pick, strList, versionAt, weightedIndexList } from './demo-sql-helpers';

const W0 = `DATE '${WINDOW_START}'`;
const W1 = `DATE '${WINDOW_END}'`;

/** Chance an order drawn for a weekday survives (isodow 1 = Monday): shoppers buy less at weekends. */
const DAY_OF_WEEK_ACCEPT = [1.0, 0.98, 0.95, 0.92, 0.85, 0.7, 0.75];
const MEAN_ACCEPT = DAY_OF_WEEK_ACCEPT.reduce((a, b) => a + b, 0) / 7;

const cityNames = strList(BR_CITIES.map(([city]) => city));
const cityStates = strList(BR_CITIES.map(([, state]) => state));
const cityPick = weightedIndexList(BR_CITIES.map(([, , w]) => w));

/**
 * Customers with SCD2 segment history: everyone starts 'new', then moves regular → vip / at_risk and back.
 * Segments change at midnight (see changeAtMidnight), as a nightly segmentation job would set them.
 */
function customersStep(plan: DemoSizePlan): DemoStep {
  const changeTime = (k: number) => changeAtMidnight(k, `rnd(idx, ${k}, 'c.t')`);
  return {
    name: 'dim_customer',
    statements: [
      `CREATE OR REPLACE TEMP TABLE demo_customers AS
       WITH drawn AS (
         SELECT range + 1 AS idx, rnd(range + 1, 0, 'c.pre') < 0.4 AS pre_window, rnd(range + 1, 0, 'c.fs') AS u_first,
                rnd(range + 1, 0, 'c.nch') AS u_changes
         FROM range(${plan.customers})
       ), dated AS (
         SELECT *, CASE WHEN pre_window THEN DATE '2023-01-01' + floor(u_first * 365)::INTEGER
                        ELSE ${W0} + floor(${WINDOW_DAYS} * sqrt(u_first))::INTEGER END AS first_seen
         FROM drawn
       )
       SELECT idx, printf('c%07d', idx) AS customer_id, first_seen,
              rpareto(idx, 0, 'c.w', 1.5, 30.0) AS weight,
              ${pick(cityPick, `rnd(idx, 0, 'c.city')`)} AS city_index,
              -- At most one change a day: a customer first seen on the last day keeps one version.
              least(${W1} - first_seen, CASE WHEN u_changes < 0.55 THEN 0 WHEN u_changes < 0.85 THEN 1 WHEN u_changes < 0.97 THEN 2 ELSE 3 END) AS n_changes
       FROM dated`,
      // One row per customer with its whole history, kept so orders can find their version without a join.
      `CREATE OR REPLACE TEMP TABLE demo_customer_history AS
       WITH t AS (
         SELECT *, first_seen::TIMESTAMP AS t1, ${W1} + 1 - first_seen AS span_days FROM demo_customers
       ), walk AS (
         SELECT *, ${changeTime(2)} AS t2, ${changeTime(3)} AS t3, ${changeTime(4)} AS t4,
                1 AS s1, next_segment(1, 2, 0.0) AS s2
         FROM t
       ), walk3 AS (
         SELECT *, next_segment(s2, 2, rnd(idx, 3, 'c.s')) AS s3 FROM walk
       )
       SELECT *, next_segment(s3, 2, rnd(idx, 4, 'c.s')) AS s4 FROM walk3`,
      `CREATE OR REPLACE TABLE marts.dim_customer AS
       SELECT (idx * 10 + v)::BIGINT AS customer_key, customer_id,
              ${cityNames}[city_index] AS customer_city, ${cityStates}[city_index] AS customer_state,
              ${strList(CUSTOMER_SEGMENTS)}[[s1, s2, s3, s4][v]] AS customer_segment,
              [t1, t2, t3, t4][v] AS valid_from,
              CASE WHEN v <= n_changes THEN [t1, t2, t3, t4][v + 1] END AS valid_to,
              v = n_changes + 1 AS is_current,
              v::INTEGER AS version
       FROM (SELECT *, unnest(range(1, n_changes + 2)) AS v FROM demo_customer_history)
       ORDER BY customer_id, version`,
      `CREATE OR REPLACE VIEW marts.dim_customer_current AS SELECT * FROM marts.dim_customer WHERE is_current`,
    ],
  };
}

function catalogueStep(plan: DemoSizePlan): DemoStep {
  const categoryPick = weightedIndexList(PRODUCT_CATEGORIES.map(([, share]) => share));
  return {
    name: 'dim_product',
    statements: [
      `CREATE OR REPLACE TABLE marts.dim_seller AS
       SELECT seller_key, printf('s%05d', seller_key) AS seller_id, ${cityNames}[city_index] AS seller_city, ${cityStates}[city_index] AS seller_state
       FROM (SELECT (range + 1)::INTEGER AS seller_key, ${pick(cityPick, `rnd(range + 1, 0, 's.city')`)} AS city_index FROM range(${plan.sellers}))
       ORDER BY seller_key`,
      // Prices and weights are log-normal around the category's typical value; a few sellers carry most products.
      `CREATE OR REPLACE TEMP TABLE demo_products AS
       SELECT k::INTEGER AS product_key, printf('prod%06d', k) AS product_id,
              ${strList(PRODUCT_CATEGORIES.map(([name]) => name))}[cat] AS product_category,
              round(greatest(4.99, [${PRODUCT_CATEGORIES.map(([, , price]) => price).join(', ')}][cat] * exp(0.6 * rnorm(k, 0, 'p.price'))), 2)::DECIMAL(12,2) AS list_price,
              greatest(50, round([${PRODUCT_CATEGORIES.map(([, , , grams]) => grams).join(', ')}][cat] * exp(0.5 * rnorm(k, 0, 'p.weight'))))::INTEGER AS product_weight_g,
              (1 + floor(${plan.sellers} * pow(rnd(k, 0, 'p.seller'), 1.8)))::INTEGER AS seller_key
       FROM (SELECT range + 1 AS k, ${pick(categoryPick, `rnd(range + 1, 0, 'p.cat')`)} AS cat FROM range(${plan.products}))`,
      `CREATE OR REPLACE TABLE marts.dim_product AS
       SELECT product_key, product_id, product_category, list_price, product_weight_g FROM demo_products ORDER BY product_key`,
    ],
  };
}

/**
 * Orders: repeat buyers are Pareto-weighted, orders fall on the customer's active days with fewer at
 * weekends; ~3% are canceled, ~8.5% arrive late, and those not yet delivered by the end of the window
 * are shipped (or, in the last days, still processing).
 */
function ordersStep(plan: DemoSizePlan): DemoStep {
  const hourPick = weightedIndexList(SHOP_HOUR_WEIGHTS);
  const itemCountPick = weightedIndexList([70, 18, 7, 2, 2, 1]);
  const paymentPick = weightedIndexList([90, 7, 2, 1]);
  return {
    name: 'orders',
    statements: [
      `CREATE OR REPLACE TEMP TABLE demo_orders AS
       WITH active AS (
         SELECT *, greatest(first_seen, ${W0}) AS first_day, (${W1} - greatest(first_seen, ${W0}) + 1) AS days FROM demo_customer_history
       ), norm AS (
         SELECT ${plan.orders} / (sum((weight * days * 1000)::BIGINT) / 1000.0) AS c FROM active
       ), candidates AS (
         SELECT a.*, unnest(range(least(999, floor(a.weight * norm.c * a.days / ${MEAN_ACCEPT} + rnd(a.idx, 0, 'o.n'))::BIGINT))) AS j
         FROM active a, norm
       ), placed AS (
         SELECT *, first_day + floor(rnd(idx, j, 'o.day') * days)::INTEGER AS order_date FROM candidates
       ), kept AS (
         SELECT *, (10 + floor(rnd(idx, j, 'o.est') * 21))::INTEGER AS estimated_delivery_days,
                rnd(idx, j, 'o.late') < 0.085 AS late, rnd(idx, j, 'o.cancel') < 0.03 AS canceled
         FROM placed WHERE rnd(idx, j, 'o.wk') < [${DAY_OF_WEEK_ACCEPT.join(', ')}][isodow(order_date)]
       ), timed AS (
         SELECT *, order_date::TIMESTAMP + to_seconds(((${pick(hourPick, `rnd(idx, j, 'o.h')`)} - 1) * 3600 + floor(rnd(idx, j, 'o.s') * 3600))::BIGINT) AS order_purchase_timestamp,
                (CASE WHEN late THEN estimated_delivery_days + 1 + floor(rexp(idx, j, 'o.dd', 4.0))
                      ELSE 2 + floor(rnd(idx, j, 'o.dd') * (estimated_delivery_days - 1)) END)::INTEGER AS transit_days
         FROM kept
       )
       SELECT idx, j, idx * 1000 + j AS order_number, 'o' || idx || '-' || j AS order_id, customer_id, order_date, order_purchase_timestamp,
              CASE WHEN canceled THEN 'canceled'
                   WHEN order_date + transit_days <= ${W1} THEN 'delivered'
                   WHEN order_date >= ${W1} - 2 AND rnd(idx, j, 'o.proc') < 0.6 THEN 'processing'
                   ELSE 'shipped' END AS order_status,
              estimated_delivery_days, transit_days,
              ${pick(itemCountPick, `rnd(idx, j, 'o.items')`)} AS n_items,
              (${pick(paymentPick, `rnd(idx, j, 'o.pay')`)})::INTEGER AS payment_count,
              -- The customer's version at purchase time, without an ASOF join (see versionAt).
              (idx * 10 + ${versionAt('order_purchase_timestamp')})::BIGINT AS customer_key
       FROM timed`,
    ],
  };
}

function orderFactsStep(plan: DemoSizePlan): DemoStep {
  return {
    name: 'fact_orders',
    statements: [
      `CREATE OR REPLACE TABLE marts.fact_order_items AS
       SELECT (o.order_number * 10 + i)::BIGINT AS order_item_key, o.order_id, i::INTEGER AS order_item_id,
              p.product_id, s.seller_id, o.order_date,
              round(p.list_price * (0.9 + 0.2 * rnd(o.idx, o.j * 10 + i, 'i.price')), 2)::DECIMAL(12,2) AS price,
              round(6 + p.product_weight_g / 1000.0 * 3.2 + rnd(o.idx, o.j * 10 + i, 'i.freight') * 12, 2)::DECIMAL(12,2) AS freight_value,
              o.order_purchase_timestamp + to_seconds((3 * 86400 + floor(rnd(o.idx, o.j * 10 + i, 'i.ship') * 4 * 86400))::BIGINT) AS shipping_limit_date
       FROM (SELECT *, unnest(range(1, n_items + 1)) AS i FROM demo_orders) o
       -- Best sellers: a few products take most of the lines.
       JOIN demo_products p ON p.product_key = (1 + floor(${plan.products} * pow(rnd(o.idx, o.j * 10 + o.i, 'i.product'), 2.0)))::INTEGER
       JOIN marts.dim_seller s ON s.seller_key = p.seller_key
       ORDER BY o.order_date, o.order_id, i`,
      `CREATE OR REPLACE TABLE marts.fact_orders AS
       WITH items AS (
         SELECT order_id, sum(price + freight_value) AS total_order_value, sum(freight_value) AS freight_value, count(*)::INTEGER AS item_count
         FROM marts.fact_order_items GROUP BY order_id
       )
       SELECT o.order_id, o.customer_id, o.customer_key, o.order_date, o.order_purchase_timestamp, o.order_status,
              o.order_date + o.estimated_delivery_days AS estimated_delivery_date,
              CASE WHEN o.order_status = 'delivered' THEN o.order_date + o.transit_days END AS delivery_date,
              i.total_order_value::DECIMAL(12,2) AS total_order_value, i.freight_value::DECIMAL(12,2) AS freight_value,
              o.payment_count, i.item_count,
              CASE WHEN o.order_status = 'delivered' THEN o.transit_days END AS delivery_time_days,
              o.estimated_delivery_days,
              CASE WHEN o.order_status = 'delivered' THEN o.transit_days > o.estimated_delivery_days END AS is_late_delivery
       FROM demo_orders o
       JOIN items i ON i.order_id = o.order_id
       ORDER BY o.order_date, o.order_id`,
    ],
  };
}

export function commerceMartsSteps(plan: DemoSizePlan): DemoStep[] {
  return [customersStep(plan), catalogueStep(plan), ordersStep(plan), orderFactsStep(plan), inventoryStep(plan)];
}
