// The dashboard drawn once off screen, on made-up panels, while the page waits for the user's file:
// the first real dashboard otherwise runs every component's and Plot's code for the first time,
// its paint then taking ~75 ms on the main thread against ~20 ms for the same panels drawn again
// (1M-row file, docs/benchmarks.md). It is mounted at a monthly grain, redrawn at a weekly and a
// daily one (the grains of shorter ranges), with and without a facet value selected, a few times
// over, then unmounted; nothing it draws is ever attached to the page, and it never reaches the engine.
import { flushSync, mount, unmount } from 'svelte';
import type { Grain } from '../../analyses/activity-series';
import type { Database } from '../../db/database';
import type { Formatter } from '../../i18n/format';
import { DashboardState } from '../../state/dashboard.svelte';
import DashboardWarmUp from './DashboardWarmUp.svelte';
import { madeUpPanels } from './made-up-panels';

/** How many times each grain is drawn. */
const REDRAWS = 3;

/** A Database no query reaches: its calls never settle (the warm-up's state never asks for any). */
const NO_DATABASE = new Proxy({}, { get: () => () => new Promise(() => {}) }) as Database;

const whenIdle = (run: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => run(), { timeout: 2_000 }) : setTimeout(run, 0));

/**
 * Mounts the dashboard into a detached element on made-up panels, redraws it at each grain and
 * unmounts it, one step per idle period (`idle`). Resolves when done.
 */
export async function warmUpDashboard(formatter: Formatter, idle: (run: () => void) => void = whenIdle): Promise<void> {
  // A step that throws fails the warm-up (the page shows nothing of it either way).
  const step = <T>(run: () => T) =>
    new Promise<T>((done, fail) =>
      idle(() => {
        try {
          done(run());
        } catch (error) {
          fail(error);
        }
      }),
    );
  const dashboard = new DashboardState(NO_DATABASE);
  const grains: Grain[] = ['month', 'week', 'day'];
  const target = document.createElement('div');
  const app = await step(() => {
    const panels = madeUpPanels(grains[0]!);
    dashboard.bounds = { firstDay: panels.period!.start, lastDay: panels.period!.end, currency: 'EUR', suggestedChurnDays: 90 };
    dashboard.panels = panels;
    const mounted = mount(DashboardWarmUp, { target, props: { formatter, dashboard } });
    flushSync();
    return mounted;
  });
  // Each grain with and without a facet value selected, REDRAWS times: code run this often is
  // optimised by the JavaScript engine before the first real click (its first facet click's paint
  // took 41–48 ms of the main thread against ~22 for later ones: a trace, Chromium 150).
  const country = madeUpPanels('month').facets.find((f) => f.dimension === 'country')!.values[0]!.value;
  for (let round = 0; round < REDRAWS; round++) {
    for (const [i, grain] of grains.entries()) {
      if (round === 0 && i === 0) continue;
      await step(() => {
        // Set without a refresh (toggleFacet's): the state only draws what it is given.
        dashboard.facets = (round + i) % 2 === 1 ? { country: [country] } : {};
        dashboard.panels = madeUpPanels(grain);
        flushSync();
      });
    }
  }
  await step(() => unmount(app));
}
