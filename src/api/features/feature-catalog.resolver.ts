import { Inject } from '@nestjs/common';
import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import type { FeatureServing } from '../../features/serving/open-feature-serving';
import { ServingRequestError } from '../../features/serving/serving-errors';
import { toFeatureService, toFeatureView, toOnlineFeatureRows } from './feature-mapper';
import { requestLoaders } from './feature-request-loaders';
import { FEATURE_SERVING } from './feature-serving.tokens';
import { FeatureService, FeatureView } from './models/feature-catalog.model';
import { EntityKeysInput, OnlineFeatureRow } from './models/online-features.model';

/** The feature catalog and online reads over GraphQL; reads go through the request's DataLoaders. */
@Resolver()
export class FeatureCatalogResolver {
  constructor(@Inject(FEATURE_SERVING) private readonly serving: FeatureServing) {}

  @Query(() => [FeatureView], { description: 'Every feature view (Feast\'s FeatureView), with its entities and typed features.' })
  featureViews(): FeatureView[] {
    const { registry } = this.serving;
    return registry.views.map((v) => toFeatureView(v, registry));
  }

  @Query(() => FeatureView, { nullable: true, description: 'One feature view by name.' })
  featureView(@Args('name') name: string): FeatureView | null {
    const view = this.serving.registry.view(name);
    return view === undefined ? null : toFeatureView(view, this.serving.registry);
  }

  @Query(() => [FeatureService], { description: 'Every feature service: the features one model reads.' })
  featureServices(): FeatureService[] {
    return this.serving.registry.services.map(toFeatureService);
  }

  @Query(() => [OnlineFeatureRow], {
    description:
      'Online feature values of a feature view or service for entity keys (what POST /get-online-features serves). ' +
      '`keys` serves views keyed by one entity; `entities` gives each join key\'s values (Feast\'s entities).',
  })
  async onlineFeatures(
    @Context() context: object,
    @Args('featureView', { type: () => String, nullable: true }) featureView?: string,
    @Args('featureService', { type: () => String, nullable: true }) featureService?: string,
    @Args('keys', { type: () => [String], nullable: true }) keys?: string[],
    @Args('entities', { type: () => [EntityKeysInput], nullable: true }) entities?: EntityKeysInput[],
    @Args('fullFeatureNames', { type: () => Boolean, nullable: true }) fullFeatureNames?: boolean,
  ): Promise<OnlineFeatureRow[]> {
    const { registry, server } = this.serving;
    if ((featureView === undefined) === (featureService === undefined)) {
      throw new ServingRequestError([{ path: 'featureView', message: 'Give exactly one of featureView and featureService.' }]);
    }
    if ((keys === undefined) === (entities === undefined)) {
      throw new ServingRequestError([{ path: 'keys', message: 'Give exactly one of keys and entities.', fix: 'keys: ["u1"] for one entity; entities: [{joinKey: "user_id", values: ["u1"]}] otherwise.' }]);
    }
    let columns: Record<string, string[]>;
    if (keys !== undefined) {
      const problems: { path: string; message: string; fix?: string }[] = [];
      const selections = featureView !== undefined ? registry.resolveReferences([featureView], 'featureView', problems) : registry.resolveService(featureService!, 'featureService', problems);
      if (problems.length > 0) throw new ServingRequestError(problems);
      const joinKeys = [...new Set(selections.flatMap((s) => s.view.joinKeys))];
      if (joinKeys.length !== 1) {
        throw new ServingRequestError([{ path: 'keys', message: `The features are keyed by ${joinKeys.join(' and ')}; keys cannot say which.`, fix: 'Use entities: [{joinKey, values}] with one entry per join key.' }]);
      }
      columns = { [joinKeys[0]!]: keys };
    } else {
      columns = Object.fromEntries(entities!.map((e) => [e.joinKey, e.values]));
    }
    const response = await server.getOnlineFeatures(
      { ...(featureView !== undefined ? { features: [featureView] } : { feature_service: featureService }), entities: columns, full_feature_names: fullFeatureNames ?? false },
      requestLoaders(context, server),
    );
    return toOnlineFeatureRows(response, Object.keys(columns).length);
  }
}
