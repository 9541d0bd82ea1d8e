import { afterEach, describe, expect, it, vi } from 'vitest';
import { CrmTables } from '../../../src/state/tables.svelte';
import type { Database } from '../../../src/db/database';
import { en } from '../../../src/i18n/messages';

const SAMPLES = { customers: 'sample/customers.csv', surveys: 'sample/surveys.csv', tickets: 'sample/tickets.csv', spend: 'sample/spend.csv' };

describe('CrmTables.loadSamples failures', () => {
  afterEach(() => vi.unstubAllGlobals());
  // No query is reached: the fetch fails first.
  const db = { query: vi.fn(), cancel: vi.fn() } as unknown as Database;

  it('a server status is a url_status problem (catalogue words, the status line quoted), not "could not be read as CSV"', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('gone', { status: 404, statusText: 'Not Found' })));
    const tables = new CrmTables(db);
    await tables.loadSamples(SAMPLES);
    expect(tables.failure).toEqual({ fileName: 'customers.csv', problem: 'url_status', detail: '404 Not Found' });
    expect(en[`problem.${tables.failure!.problem}` as keyof typeof en]).toContain('{detail}');
  });

  it('an unreachable server is a url_unreachable problem', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const tables = new CrmTables(db);
    await tables.loadSamples(SAMPLES);
    expect(tables.failure).toEqual({ fileName: 'customers.csv', problem: 'url_unreachable', detail: 'Failed to fetch' });
  });
});
