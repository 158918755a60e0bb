/** A failure of the service itself (not of the definitions or the warehouse), with a stable code. */
export class ApiError extends Error {
  constructor(
    readonly code: 'RESULT_TOO_LARGE' | 'RESOURCE_EXHAUSTED' | 'QUERY_NOT_FOUND' | 'INVALID_PAGE' | 'FORBIDDEN' | 'UNAUTHENTICATED',
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
