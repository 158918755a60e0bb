import Fastify, { type FastifyInstance } from 'fastify';
import type { BenchRequest } from './load-generator';

/**
 * The floor: a bare Fastify server answering each scenario with the body the real endpoint
 * answered (captured first), as a constant object that Fastify serializes per request, as the app
 * does for GraphQL and for rows decoded per request. It takes the same requests (method, headers,
 * JSON body parsed), so the gap between it and the app is what Nest, Mercurius, the read path,
 * the cache and the store add. The REST feature route joins near-cache rows' memoised JSON
 * instead of serializing, so at 100 × 50 it can serve more than this floor.
 */
export class FloorServer {
  private constructor(
    private readonly fastify: FastifyInstance,
    readonly port: number,
  ) {}

  /** One route per scenario: its path and method, and the captured response body (parsed JSON). */
  static async start(routes: { path: string; method: BenchRequest['method']; body: unknown }[]): Promise<FloorServer> {
    const fastify = Fastify();
    for (const r of routes) {
      const body = r.body;
      fastify.route({ method: r.method, url: r.path, handler: async () => body });
    }
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    return new FloorServer(fastify, (fastify.server.address() as { port: number }).port);
  }

  /** The scenario's requests, pointed at the floor's route for it (same method and body). */
  static retarget(requests: readonly BenchRequest[], path: string): BenchRequest[] {
    return requests.map((r) => ({ ...r, path }));
  }

  close(): Promise<void> {
    return this.fastify.close();
  }
}
