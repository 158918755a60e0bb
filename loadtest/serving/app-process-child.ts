import 'reflect-metadata';
import { FEATURE_SERVING } from '../../src/api/features/feature-serving.tokens';
import { loadConfig } from '../../src/config/app-config';
import type { FeatureServing } from '../../src/features/serving/open-feature-serving';
import { createApp } from '../../src/main';
import { startProfile } from './cpu-profile';
import type { AppReply, AppRequest, AppStats } from './app-process';

/*
 * One app of bench:serving in a process of its own (app-process.ts starts it): its heap and its
 * garbage collections are its own, as in production, not shared with the floor and the other apps.
 */

async function main(): Promise<void> {
  const env = JSON.parse(process.env.STRATUM_BENCH_APP_ENV ?? '{}') as Record<string, string>;
  const app = await createApp(loadConfig(env), { logger: false });
  await app.listen(0, '127.0.0.1');
  const serving = app.get<FeatureServing>(FEATURE_SERVING);
  let profile: Awaited<ReturnType<typeof startProfile>> | undefined;
  const answer = async (request: AppRequest): Promise<unknown> => {
    switch (request.op) {
      case 'stats':
        return { cached: { ...serving.readPath.cached.stats }, nearHits: serving.readPath.near?.hits ?? 0 } satisfies AppStats;
      case 'whenIdle':
        return serving.readPath.cached.whenIdle();
      case 'profileStart':
        profile = await startProfile();
        return undefined;
      case 'profileStop': {
        const top = await profile!.stop(request.file!);
        profile = undefined;
        return top;
      }
      case 'close':
        return app.close();
    }
  };
  process.on('message', (request: AppRequest) => {
    answer(request).then(
      (value) => {
        // After close, exit once the reply is sent: a client's timer must not keep a closed app alive.
        process.send!({ type: 'reply', id: request.id, value } satisfies AppReply, undefined, {}, () => {
          if (request.op === 'close') process.exit(0);
        });
      },
      (e: unknown) => process.send!({ type: 'error', id: request.id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies AppReply),
    );
  });
  process.send!({ type: 'ready', port: (app.getHttpServer().address() as { port: number }).port } satisfies AppReply);
}

main().catch((e: unknown) => {
  process.send?.({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies AppReply);
  process.exitCode = 1;
  process.disconnect?.();
});
