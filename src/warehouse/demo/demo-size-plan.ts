/** Row-count targets for one scale. Everything grows linearly except the calendar, devices, cities and tracked stock. */
export interface DemoSizePlan {
  users: number;
  sessions: number;
  /** Posts published before the window (Dec 2023), so early views have something to look at. */
  backlogPosts: number;
  customers: number;
  orders: number;
  products: number;
  sellers: number;
  devices: number;
  /** Products whose daily stock is tracked (the best sellers): the catalogue, up to a cap. */
  inventoryProducts: number;
}

/** Caps fct_inventory_daily at 5 000 products × 182 days (≈0.9 M rows) whatever the scale. */
const MAX_INVENTORY_PRODUCTS = 5_000;

/** The window every fact table covers, at every scale. */
export const WINDOW_START = '2024-01-01';
export const WINDOW_END = '2024-06-30';
export const WINDOW_DAYS = 182;

/** Scale 1: ~20k users, ~150k sessions (~1M events), ~30k customers, ~80k orders (~120k items). */
export function planSizes(scale: number): DemoSizePlan {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`demo scale must be a positive number, got ${scale}`);
  const n = (base: number, min: number) => Math.max(min, Math.round(base * scale));
  const products = n(2_000, 20);
  return {
    users: n(20_000, 50),
    sessions: n(150_000, 300),
    backlogPosts: n(2_000, 20),
    customers: n(30_000, 50),
    orders: n(80_000, 150),
    products,
    sellers: n(500, 5),
    devices: 200,
    inventoryProducts: Math.min(products, MAX_INVENTORY_PRODUCTS),
  };
}
