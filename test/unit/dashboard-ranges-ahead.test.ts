// DashboardState asks the worker to build the date picker's slow presets ahead of their first visit
// (crossfilter/panel-index.ts buildAhead; which ones it keeps is tested in crossfilter.test.ts).
import { describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { loadFixture } from './analyses/fixture';
import { DashboardState } from '../../src/state/dashboard.svelte';
import type { DateRange } from '../../src/analyses/filters';

globalThis.requestAnimationFrame ??= ((f: FrameRequestCallback) => (f(0), 0)) as typeof requestAnimationFrame;

describe('DashboardState’s ranges built ahead', () => {
  it('asks for the picker’s presets (anchored on the data’s last day) once the arrays are prepared, and not when they are not', async () => {
    const db = await NodeDatabase.open();
    await loadFixture(db);
    const log: string[] = [];
    const asked: [number, (DateRange | null)[]][] = [];
    const prepare = db.preparePanels.bind(db);
    let prepared = true;
    db.preparePanels = async (version) => {
      log.push('prepare');
      return prepared && (await prepare(version));
    };
    const buildAhead = db.buildPanelRangesAhead.bind(db);
    db.buildPanelRangesAhead = (version, ranges) => {
      log.push('build ahead');
      asked.push([version, ranges]);
      return buildAhead(version, ranges);
    };
    const dashboard = new DashboardState(db);
    await dashboard.reset();
    expect(log).toEqual(['prepare', 'build ahead']);
    // The fixture's last day is 2024-04-10 (a Wednesday in April, Q2): the presets other than all time and custom.
    expect(asked[0]![1]).toEqual([
      { start: '2024-04-04', end: '2024-04-11' }, // last 7 days
      { start: '2024-03-12', end: '2024-04-11' }, // last 30
      { start: '2024-01-12', end: '2024-04-11' }, // last 90
      { start: '2024-04-01', end: '2024-05-01' }, // this month
      { start: '2024-03-01', end: '2024-04-01' }, // last month
      { start: '2024-04-01', end: '2024-07-01' }, // this quarter
      { start: '2024-01-01', end: '2024-04-01' }, // last quarter
      { start: '2024-01-01', end: '2025-01-01' }, // this year
      { start: '2023-01-01', end: '2024-01-01' }, // last year
    ]);
    // Arrays not prepared (too many orders, or an error): nothing to build ahead.
    prepared = false;
    log.length = 0;
    await dashboard.reset();
    expect(log).toEqual(['prepare']);
    expect(asked).toHaveLength(1);
  });
});
