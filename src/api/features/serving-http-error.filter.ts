import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ServingRequestError, StoreUnavailableError } from '../../features/serving/serving-errors';

/**
 * REST errors of the serving endpoints: 400 with every problem for a bad request, 503 when the
 * store is down and no cached value could stand in, 500 (logged, no internals leaked) otherwise.
 * Body: `{"error": {"code", "message", "problems"?}}` — `detail` too, as FastAPI (Feast) writes it.
 */
@Catch()
export class ServingHttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Serving');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = describeServingError(exception, this.logger);
    void reply.status(status).send(body);
  }
}

/** The status and JSON body of a serving error (shared by the Nest filter and the Feast routes). */
export function describeServingError(e: unknown, logger: Logger): [number, { error: ServingErrorBody; detail: string }] {
  const [status, error] = classify(e, logger);
  return [status, { error, detail: error.message }];
}

interface ServingErrorBody {
  code: string;
  message: string;
  problems?: unknown;
}

function classify(e: unknown, logger: Logger): [number, ServingErrorBody] {
  if (e instanceof ServingRequestError) return [400, { code: 'INVALID_ARGUMENT', message: e.message, problems: e.problems }];
  if (e instanceof StoreUnavailableError) return [503, { code: 'UNAVAILABLE', message: e.message }];
  if (e instanceof HttpException) {
    // Fastify/Nest parse errors (malformed JSON, wrong content type) arrive as HttpExceptions.
    const status = e.getStatus();
    return [status, { code: status === 400 ? 'INVALID_ARGUMENT' : 'HTTP_ERROR', message: e.message }];
  }
  const fastifyStatus = (e as { statusCode?: number })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return [fastifyStatus, { code: 'INVALID_ARGUMENT', message: (e as Error).message }];
  }
  logger.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return [500, { code: 'INTERNAL_ERROR', message: 'Internal error: the failure was logged on the server.' }];
}
