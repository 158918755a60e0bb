import Fastify, { type FastifyInstance } from 'fastify';
import type { BenchRequest } from './load-generator';

/**
 * The floor: a bare Fastify server answering each scenario with the body the real endpoint
 * answered (captured first), as a constant object that Fastify serializes per request, as the app
 * does for GraphQL and for rows decoded per request. It takes the same requests (method, headers,
 * JSON body parsed), so the gap between it and the app is what Nest, Mercurius, the read path,
 * the cache and the store add. The REST feature route joins near-cache rows' memoised JSON
 * instead of serializing, so at 100 × 50 it can serve more than this floor.
 *
 * Each route has a twin at `<path>/read` that first makes one store read of the request's keys
 * (`readWith`) and then answers the same body: the difference between the two is what one store
 * round trip adds to a bare server in these very conditions (the same load generator, the store
 * client's own work after the answer included), which is what a cache miss may add to a hit.
 */
export class FloorServer {
  private reader: ((body: unknown) => Promise<unknown>) | undefined;

  private constructor(
    private readonly fastify: FastifyInstance,
    readonly port: number,
  ) {}

  /** One route per scenario: its path and method, and the captured response body (parsed JSON); and its `/read` twin. */
  static async start(routes: { path: string; method: BenchRequest['method']; body: unknown }[]): Promise<FloorServer> {
    const fastify = Fastify();
    let floor: FloorServer | undefined;
    for (const r of routes) {
      const body = r.body;
      fastify.route({ method: r.method, url: r.path, handler: async () => body });
      fastify.route({
        method: r.method,
        url: `${r.path}/read`,
        handler: async (request) => {
          if (floor?.reader === undefined) throw new Error('no store to read: call readWith() first');
          await floor.reader(request.body);
          return body;
        },
      });
    }
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    floor = new FloorServer(fastify, (fastify.server.address() as { port: number }).port);
    return floor;
  }

  /** The store read the `/read` routes make, given the request's parsed body. */
  readWith(reader: (body: unknown) => Promise<unknown>): void {
    this.reader = reader;
  }

  /** The scenario's requests, pointed at the floor's route for it (same method and body). */
  static retarget(requests: readonly BenchRequest[], path: string): BenchRequest[] {
    return requests.map((r) => ({ ...r, path }));
  }

  close(): Promise<void> {
    return this.fastify.close();
  }
}
