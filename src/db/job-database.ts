import type { Database } from './database';

/**
 * The same database, with every query and ingest marked as part of `job`, so that
 * `db.cancel(job)` stops exactly that work: a file load and the orders built from it, not the
 * dashboard queries queued around it.
 */
export function forJob(db: Database, job: string): Database {
  return {
    query: (sql, options = {}) => db.query(sql, { ...options, job }),
    queryParquet: (sql, options = {}) => db.queryParquet(sql, { ...options, job }),
    queryCsv: (sql, options = {}) => db.queryCsv(sql, { ...options, job }),
    registerFile: (name, file) => db.registerFile(name, file),
    dropFile: (name) => db.dropFile(name),
    ingestParquet: (table, file, onProgress) => db.ingestParquet(table, file, onProgress, job),
    registerUrl: (name, url, bytes) => db.registerUrl(name, url, bytes),
    ingestParquetUrl: (table, url, onProgress) => db.ingestParquetUrl(table, url, onProgress, job),
    cancel: () => db.cancel(job),
  };
}
