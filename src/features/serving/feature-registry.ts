import { didYouMean } from '../../semantic/errors';
import type { FeatureEntity, FeatureField, FeatureManifest, FeatureService, FeatureView } from '../spec/feature-manifest';
import type { RequestProblem } from './serving-errors';

/** The features one request reads from one view, in the order they were asked for. Shared: never mutate. */
export interface ViewSelection {
  view: FeatureView;
  features: FeatureField[];
}

/**
 * The loaded feature definitions, indexed for the read path: resolves Feast feature references
 * (`view:feature`, or a bare view name for all its features) and feature services into
 * per-view selections, with a "did you mean" for every unknown name.
 */
export class FeatureRegistry {
  private readonly viewsByName: Map<string, FeatureView>;
  private readonly servicesByName: Map<string, FeatureService>;
  private readonly entitiesByName: Map<string, FeatureEntity>;
  private readonly entitiesByJoinKey: Map<string, FeatureEntity>;
  private readonly fieldsByView: Map<string, Map<string, FeatureField>>;
  /** Resolved reference lists: callers send the same list on every request (a model's features). */
  private readonly resolved = new Map<string, ViewSelection[]>();
  private static readonly MAX_RESOLVED = 1000;
  private readonly serviceSelections = new Map<string, ViewSelection[]>();

  constructor(readonly manifest: FeatureManifest) {
    this.viewsByName = new Map(manifest.featureViews.map((v) => [v.name, v]));
    this.servicesByName = new Map(manifest.featureServices.map((s) => [s.name, s]));
    this.entitiesByName = new Map(manifest.entities.map((e) => [e.name, e]));
    this.entitiesByJoinKey = new Map(manifest.entities.map((e) => [e.joinKey, e]));
    this.fieldsByView = new Map(manifest.featureViews.map((v) => [v.name, new Map(v.features.map((f) => [f.name, f]))]));
  }

  get views(): readonly FeatureView[] {
    return this.manifest.featureViews;
  }

  get services(): readonly FeatureService[] {
    return this.manifest.featureServices;
  }

  view(name: string): FeatureView | undefined {
    return this.viewsByName.get(name);
  }

  service(name: string): FeatureService | undefined {
    return this.servicesByName.get(name);
  }

  entity(name: string): FeatureEntity | undefined {
    return this.entitiesByName.get(name);
  }

  entityByJoinKey(joinKey: string): FeatureEntity | undefined {
    return this.entitiesByJoinKey.get(joinKey);
  }

  /** Views keyed by an entity (e.g. every view of `user`, for GDPR erase and `user.features`). */
  viewsOfEntity(entity: string): FeatureView[] {
    return this.views.filter((v) => v.entities.includes(entity));
  }

  /** A view by name, or a problem saying which names exist. */
  requireView(name: string, path: string, problems: RequestProblem[]): FeatureView | undefined {
    const view = this.viewsByName.get(name);
    if (view === undefined) problems.push(unknown('feature view', name, path, this.viewsByName.keys()));
    return view;
  }

  /**
   * Resolves Feast references: `view:feature`, or `view` alone for every feature of the view.
   * Selections keep the first-seen order of views and of features; duplicates are dropped.
   */
  resolveReferences(refs: readonly string[], path: string, problems: RequestProblem[]): ViewSelection[] {
    const memoKey = refs.join('\n');
    const memo = this.resolved.get(memoKey);
    if (memo !== undefined) return memo;
    const found = problems.length;
    const selections = new Map<string, { view: FeatureView; features: FeatureField[]; seen: Set<FeatureField> }>();
    refs.forEach((ref, i) => {
      const at = `${path}[${i}]`;
      const colon = ref.indexOf(':');
      const viewName = colon < 0 ? ref : ref.slice(0, colon);
      const featureName = colon < 0 ? undefined : ref.slice(colon + 1);
      const view = this.requireView(viewName, at, problems);
      if (view === undefined) return;
      let selection = selections.get(view.name);
      if (selection === undefined) {
        selection = { view, features: [], seen: new Set() };
        selections.set(view.name, selection);
      }
      const wanted = featureName === undefined ? view.features : [this.requireFeature(view, featureName, at, problems)];
      for (const field of wanted) {
        if (field !== undefined && !selection.seen.has(field)) {
          selection.seen.add(field);
          selection.features.push(field);
        }
      }
    });
    const result = [...selections.values()].filter((s) => s.features.length > 0).map(({ view, features }) => ({ view, features }));
    // Only clean resolutions are remembered (errors must be reported with the caller's paths).
    if (problems.length === found) {
      if (this.resolved.size >= FeatureRegistry.MAX_RESOLVED) this.resolved.clear();
      this.resolved.set(memoKey, result);
    }
    return result;
  }

  /** A feature service's projections as selections. */
  resolveService(name: string, path: string, problems: RequestProblem[]): ViewSelection[] {
    const memo = this.serviceSelections.get(name);
    if (memo !== undefined) return memo;
    const service = this.servicesByName.get(name);
    if (service === undefined) {
      problems.push(unknown('feature service', name, path, this.servicesByName.keys()));
      return [];
    }
    const selections = service.projections.map((p) => {
      const view = this.viewsByName.get(p.featureView)!;
      const fields = this.fieldsByView.get(view.name)!;
      return { view, features: p.features.map((f) => fields.get(f)!) };
    });
    this.serviceSelections.set(name, selections);
    return selections;
  }

  private requireFeature(view: FeatureView, name: string, path: string, problems: RequestProblem[]): FeatureField | undefined {
    const field = this.fieldsByView.get(view.name)?.get(name);
    if (field === undefined) problems.push(unknown(`feature of '${view.name}'`, name, path, view.features.map((f) => f.name)));
    return field;
  }
}

function unknown(what: string, name: string, path: string, known: Iterable<string>): RequestProblem {
  const names = [...known];
  const guess = didYouMean(name, names);
  return {
    path,
    message: `Unknown ${what} '${name}'.${guess.length > 0 ? ` Did you mean '${guess[0]}'?` : ''}`,
    fix: names.length > 0 ? `Use one of: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.` : 'No feature definitions are loaded (semantic-layer/features/).',
  };
}
