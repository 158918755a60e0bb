import { Catch, Logger, type ArgumentsHost } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { ErrorWithProps } from 'mercurius';
import { DefinitionError, SemanticError } from '../semantic';
import { WarehouseError } from '../warehouse/warehouse';
import { ApiError } from './api-error';
import { ServingRequestError, StoreUnavailableError } from '../features/serving/serving-errors';

/** Turns any error a resolver throws into a GraphQL error with a stable `extensions.code`. */
export function toGraphQLError(error: unknown, logger?: Logger): ErrorWithProps {
  if (error instanceof ErrorWithProps) return error;
  if (error instanceof DefinitionError) {
    return new ErrorWithProps(error.message, { code: error.code, problems: error.problems });
  }
  if (error instanceof SemanticError) {
    return new ErrorWithProps(error.message, { code: error.code, suggestions: error.suggestions });
  }
  if (error instanceof ServingRequestError) {
    return new ErrorWithProps(error.message, { code: 'INVALID_ARGUMENT', problems: error.problems });
  }
  if (error instanceof StoreUnavailableError) {
    return new ErrorWithProps(error.message, { code: 'UNAVAILABLE' });
  }
  if (error instanceof ApiError) {
    return new ErrorWithProps(error.message, { code: error.code });
  }
  if (error instanceof WarehouseError) {
    return new ErrorWithProps(error.message, { code: error.code });
  }
  logger?.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return new ErrorWithProps('Internal error: the failure was logged on the server.', { code: 'INTERNAL_ERROR' });
}

@Catch()
export class GraphQLErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('GraphQL');

  catch(exception: unknown, _host: ArgumentsHost): ErrorWithProps {
    return toGraphQLError(exception, this.logger);
  }
}
