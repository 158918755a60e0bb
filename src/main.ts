import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { DefinitionError, SemanticEngine } from './semantic';

export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<NestFastifyApplication> {
  // Definitions first: a broken semantic layer is reported before any warehouse work starts.
  const engine = SemanticEngine.load(config.semanticLayerPath, { schema: config.dbtSchema, database: config.dbtDatabase });
  // No Nest middleware here: without middie, requests skip its per-request walk (6% of a cached
  // feature read). Adding Nest middleware means removing `skipMiddie`.
  const adapter = new FastifyAdapter({ skipMiddie: true });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, engine), adapter, {
    logger: options.logger ?? (config.logLevel === 'silent' ? false : undefined),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}

const EXAMPLE = `{
  query(metrics: [{name: "dau"}, {name: "sessions"}],
        groupBy: [{name: "metric_time", grain: WEEK}],
        orderBy: [{groupBy: {name: "metric_time"}}], limit: 5) {
    columns { name type }
    rows
  }
}`;

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  try {
    const app = await createApp(config);
    await app.listen(config.port, config.host);
    const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
    const url = `http://${host}:${(app.getHttpServer().address() as { port: number }).port}/graphql`;
    console.log(`\nStratum is serving ${url}${config.graphiql ? ` (GraphiQL: http://${host}:${config.port}/graphiql)` : ''}`);
    console.log(`Try this query:\n${EXAMPLE}\n`);
  } catch (e) {
    // Definition problems and bad settings are the user's to fix: say what, without a stack trace.
    if (e instanceof DefinitionError || e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

if (require.main === module) {
  void bootstrap();
}
