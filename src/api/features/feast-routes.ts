import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FeatureServing } from '../../features/serving/open-feature-serving';
import { FEATURE_SERVING } from './feature-serving.tokens';
import { describeServingError } from './serving-http-error.filter';
import { jsonBody } from '../json-body';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Feast's feature-server HTTP API (`feast serve`): `POST /get-online-features` and `POST /push`,
 * the same request and response shapes, so backends on Feast switch by changing the URL.
 *
 * These two routes are the hot path, so they are plain Fastify routes rather than a Nest
 * controller: Nest's per-request pipeline (context creation, interceptors, pipes, exception zone)
 * cost more than the feature read itself on a cache hit. They stay as thin: parsing, reads and
 * errors live in FeatureServer, and errors go through the same describeServingError as the rest
 * of the serving API (a route-level error handler also catches body-parse errors).
 */
@Injectable()
export class FeastRoutes implements OnModuleInit {
  private readonly logger = new Logger('Serving');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(FEATURE_SERVING) private readonly serving: FeatureServing,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const errorHandler = (error: unknown, _request: FastifyRequest, reply: FastifyReply) => {
      const [status, body] = describeServingError(error, this.logger);
      void reply.status(status).send(body);
    };
    const { server } = this.serving;
    fastify.route({
      method: 'POST',
      url: '/get-online-features',
      errorHandler,
      // JSON text written by the server; Fastify sends a string or Buffer with a JSON content type as it is.
      handler: async (request, reply) => {
        const parts = await server.getOnlineFeaturesJsonParts(request.body);
        return reply.type(JSON_CONTENT_TYPE).send(jsonBody(parts));
      },
    });
    fastify.route({ method: 'POST', url: '/push', errorHandler, handler: (request) => server.push(request.body) });
  }
}
