import type { EngineErrorData } from '../../workers/engine';

/** Any failure that came back from the engine, with the SQL that caused it. */
export class QueryError extends Error {
  readonly kind: EngineErrorData['kind'];
  readonly sql?: string;

  constructor(data: EngineErrorData) {
    super(data.message);
    this.name = 'QueryError';
    this.kind = data.kind;
    this.sql = data.sql;
  }

  get cancelled(): boolean {
    return this.kind === 'cancelled';
  }

  static from(error: unknown): QueryError {
    if (error instanceof QueryError) return error;
    if (isEngineErrorData(error)) return new QueryError(error);
    if (error && typeof error === 'object' && 'data' in error && isEngineErrorData(error.data)) return new QueryError(error.data);
    return new QueryError({ kind: 'query', message: error instanceof Error ? error.message : String(error) });
  }
}

function isEngineErrorData(value: unknown): value is EngineErrorData {
  return !!value && typeof value === 'object' && 'kind' in value && 'message' in value && typeof value.message === 'string';
}
