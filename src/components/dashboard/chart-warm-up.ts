// The dashboard's time charts drawn once, off screen, at the grains the first dashboard did not
// use, while the page is idle: the first chart drawn at a daily or weekly grain otherwise runs
// Plot's code for it unoptimised, on the user's first pick of a shorter range.
import type { Grain } from '../../analyses/activity-series';
import type { Row } from '../../state/dashboard.svelte';
import { acquisitionChart, activityChart, revenueChart, type ChartLabels } from './charts';

const DAY_MS = 86_400_000;
const LABELS: ChartLabels = { customers: 'Customers', new: 'New', returning: 'Returning', lost: 'Lost', money: 'Money', revenue: 'Revenue', refunds: 'Refunds' };
/** Each grain's buckets as a preset range gives them: 90 days, a year of weeks. */
const BUCKETS: Record<Grain, number> = { day: 90, week: 53, month: 36 };
const ROUNDS = 3;

/** Made-up activity and acquisition rows, shaped as the panels' (dashboard.svelte.ts). */
export function madeUpRows(grain: Grain): Row[] {
  const step = grain === 'day' ? DAY_MS : grain === 'week' ? 7 * DAY_MS : 30 * DAY_MS;
  const start = Date.UTC(2024, 0, 1);
  return Array.from({ length: BUCKETS[grain] }, (_, i) => ({
    period_start: start + i * step, new_customers: 40 + (i % 7), returning_customers: 20 + (i % 5), lost_customers: 10 + (i % 3),
    orders: 70 + i, revenue: 900 + 13 * i, refunds: 20 + (i % 4), net_revenue: 880 + 12 * i, customers: 40 + (i % 7), first_order_revenue: 400 + i,
  }));
}

/**
 * Draws the activity, revenue and acquisition charts at `grains` a few times into detached
 * elements, one grain per idle period; nothing is kept. Resolves when done.
 */
export async function warmUpCharts(grains: Grain[], idle: (run: () => void) => void = whenIdle): Promise<void> {
  for (const grain of grains) {
    await new Promise<void>((done) =>
      idle(() => {
        const rows = madeUpRows(grain);
        for (let round = 0; round < ROUNDS; round++) {
          activityChart(rows, grain, LABELS, 640);
          revenueChart(rows, grain, LABELS, 640);
          acquisitionChart(rows, grain, LABELS, 320);
        }
        done();
      }),
    );
  }
}

const whenIdle = (run: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => run(), { timeout: 2_000 }) : setTimeout(run, 0));
