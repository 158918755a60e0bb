/** Injection token of the process's FeatureServing (registry, store, cache, server). */
export const FEATURE_SERVING = Symbol('FEATURE_SERVING');
