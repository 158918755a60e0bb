/**
 * A value that does not fit its feature's dtype (or a feature the view does not declare),
 * refused at write time. It names the view, feature and entity so the producer (materialize,
 * push) can point at the offending source row.
 */
export class FeatureValueError extends Error {
  constructor(
    readonly view: string,
    readonly feature: string,
    readonly entityKey: string,
    problem: string,
  ) {
    super(`feature view '${view}', feature '${feature}', entity '${entityKey}': ${problem}`);
    this.name = 'FeatureValueError';
  }
}
