/** Feature definitions (`semantic-layer/features/`): the public surface of the loader. */
export { loadFeatureDefinitions, parseFeatureDefinitionFiles, type FeatureLoadOptions } from './feature-definitions-loader';
export { parseDurationSeconds } from './feature-duration';
export { METRIC_TIMESTAMP_FIELD } from './feature-definitions-reader';
export * from './feature-manifest';
