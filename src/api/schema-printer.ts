import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { FeatureCatalogResolver } from './features/feature-catalog.resolver';
import { UserResolver } from './features/user.resolver';
import { CatalogResolver } from './metrics/catalog.resolver';
import { QueryResolver } from './metrics/query.resolver';

/** Every resolver class of the GraphQL API (the schema is generated from these). */
export const RESOLVERS = [CatalogResolver, QueryResolver, FeatureCatalogResolver, UserResolver];

/** The schema as committed in schema.graphql: sorted, so diffs show real changes only. */
export function formatSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** Builds the schema from the resolvers alone: no warehouse, no server. */
export async function buildSchemaText(): Promise<string> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  try {
    const schema = await app.get(GraphQLSchemaFactory).create(RESOLVERS);
    return formatSchema(schema);
  } finally {
    await app.close();
  }
}
