/** Public surface of the spec package: load definitions (any of the three forms) into the manifest. */
export { loadSemanticLayer, parseSemanticLayerFiles, type LoadOptions, type SpecFile } from './semantic-layer-loader';
export * from './manifest';
