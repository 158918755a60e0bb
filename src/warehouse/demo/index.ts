export { DEMO_META_TABLE, generateDemoMarts } from './demo-marts-generator';
export type { DemoProgress, GenerateDemoOptions } from './demo-marts-generator';
export { ensureDemoWarehouse } from './demo-warehouse-builder';
export type { EnsureDemoOptions, EnsureDemoResult } from './demo-warehouse-builder';
export { planSizes } from './demo-size-plan';
export type { DemoSizePlan } from './demo-size-plan';
export { DEMO_GENERATOR_VERSION, demoDatabaseFileName } from './demo-version';
