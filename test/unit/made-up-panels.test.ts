import { describe, expect, it } from 'vitest';
import { ACTIVITY_COLUMNS } from '../../src/analyses/activity-series';
import { FACET_DIMENSIONS } from '../../src/analyses/filters';
import { KPI_IDS } from '../../src/analyses/kpis';
import { madeUpPanels } from '../../src/components/dashboard/made-up-panels';
import { Formatter } from '../../src/i18n/format';

describe('the made-up panels the dashboard warms up on', () => {
  it('are shaped as the dashboard’s: every KPI, the activity and acquisition columns, every facet with values the dashboard has names for', () => {
    const format = new Formatter('en');
    const steps = { day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };
    for (const grain of ['month', 'week', 'day'] as const) {
      const panels = madeUpPanels(grain);
      expect(panels.period?.grain).toBe(grain);
      expect(panels.kpis.map((k) => k.id)).toEqual([...KPI_IDS]);
      expect(panels.kpis.every((k) => typeof k.value === 'number' && typeof k.change === 'number')).toBe(true);
      for (const row of panels.activity) for (const column of ACTIVITY_COLUMNS) expect(typeof row[column], column).toBe('number');
      const starts = panels.activity.map((r) => Number(r.period_start));
      expect(starts.slice(1).every((start, i) => start - starts[i]! === steps[grain])).toBe(true);
      for (const row of panels.acquisition) for (const column of ['period_start', 'customers', 'first_order_revenue']) expect(typeof row[column]).toBe('number');
      expect(panels.facets.map((f) => f.dimension)).toEqual([...FACET_DIMENSIONS]);
      // FacetPanel names a value band by its message and no value as "(none)": a name without a message throws.
      for (const band of panels.facets.find((f) => f.dimension === 'value_band')!.values) expect(() => format.t(`band.${band.value as 'top_50'}`)).not.toThrow();
      for (const facet of panels.facets) expect(facet.total).toBeGreaterThan(facet.values.length);
    }
  });
});
