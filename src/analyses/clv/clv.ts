// Per-customer predictions from fitted BG/NBD and Gamma-Gamma models, and discounted CLV.
import { expectedPurchases, pAlive, type BgNbdParams } from './bgnbd';
import { expectedSpend, type GammaGammaParams } from './gamma-gamma';

export interface ClvOptions {
  /** Number of periods in the horizon (e.g. 12 months). */
  periods: number;
  /** Length of one period in the model's time unit (a month is 365.25 / 12 days, or 365.25 / 12 / 7 weeks). */
  periodLength: number;
  /** Discount rate per period (an annual rate d is (1 + d)^(1/12) − 1 per month). */
  discountRate: number;
  /** Gross margin as a fraction of revenue (1 for revenue CLV). */
  margin: number;
}

export const CLV_DEFINITIONS = {
  clv:
    'Predicted CLV: for each period of the horizon, the BG/NBD expected purchases in that period (the difference of the cumulative expectations at its end and start) ' +
    '× the Gamma-Gamma expected spend per purchase × gross margin, discounted to today at the discount rate per period for the periods to its end; summed over the horizon.',
  annualToPeriodRate: 'A discount rate per period equivalent to an annual rate d: (1 + d)^(1 / periods per year) − 1.',
} as const satisfies Record<string, string>;

export function annualToPeriodRate(annualRate: number, periodsPerYear: number): number {
  return Math.pow(1 + annualRate, 1 / periodsPerYear) - 1;
}

/** Discounted CLV of one customer (see CLV_DEFINITIONS.clv). `spend` is her expected spend per purchase. */
export function discountedClv(params: BgNbdParams, spend: number, x: number, tx: number, T: number, options: ClvOptions): number {
  const { periods, periodLength, discountRate, margin } = options;
  let clv = 0;
  let previous = 0;
  for (let k = 1; k <= periods; k++) {
    const cumulative = expectedPurchases(params, k * periodLength, x, tx, T);
    clv += ((cumulative - previous) * spend * margin) / Math.pow(1 + discountRate, k);
    previous = cumulative;
  }
  return clv;
}

export interface CustomerColumns {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Mean repeat spend; needed for spend and CLV. */
  m?: ArrayLike<number>;
}

export interface CustomerPredictions {
  pAlive: Float64Array;
  /** Expected purchases in the next `horizon` time units. */
  expectedPurchases: Float64Array;
  expectedSpend?: Float64Array;
  clv?: Float64Array;
}

/** Column-wise predictions for every customer, in the order given (e.g. an Arrow table's columns). */
export function predictCustomers(
  bgnbd: BgNbdParams,
  customers: CustomerColumns,
  horizon: number,
  spend?: { params: GammaGammaParams; clv: ClvOptions },
): CustomerPredictions {
  const n = customers.x.length;
  const out: CustomerPredictions = { pAlive: new Float64Array(n), expectedPurchases: new Float64Array(n) };
  if (spend && customers.m) {
    out.expectedSpend = new Float64Array(n);
    out.clv = new Float64Array(n);
  }
  for (let i = 0; i < n; i++) {
    const [x, tx, T] = [customers.x[i]!, customers.tx[i]!, customers.T[i]!];
    out.pAlive[i] = pAlive(bgnbd, x, tx, T);
    out.expectedPurchases[i] = expectedPurchases(bgnbd, horizon, x, tx, T);
    if (spend && customers.m && out.expectedSpend && out.clv) {
      const value = expectedSpend(spend.params, x, customers.m[i]!);
      out.expectedSpend[i] = value;
      out.clv[i] = discountedClv(bgnbd, value, x, tx, T, spend.clv);
    }
  }
  return out;
}

export interface HoldoutPoint {
  /** Repeat purchases in calibration; the last point gathers x ≥ maxX. */
  x: number;
  customers: number;
  /** Mean actual purchases in the holdout. */
  actual: number;
  /** Mean BG/NBD expected purchases in the holdout. */
  predicted: number;
}

/**
 * The calibration/holdout plot of Fader, Hardie & Lee (2005, fig. 4): customers grouped by calibration x
 * (0, 1, …, maxX or more), each group's mean actual holdout purchases against its mean prediction.
 */
export function calibrationHoldout(
  params: BgNbdParams,
  customers: { x: ArrayLike<number>; tx: ArrayLike<number>; T: ArrayLike<number>; xHoldout: ArrayLike<number> },
  holdoutLength: number,
  maxX = 7,
): HoldoutPoint[] {
  const points = Array.from({ length: maxX + 1 }, (_, x) => ({ x, customers: 0, actual: 0, predicted: 0 }));
  for (let i = 0; i < customers.x.length; i++) {
    const point = points[Math.min(customers.x[i]!, maxX)]!;
    point.customers++;
    point.actual += customers.xHoldout[i]!;
    point.predicted += expectedPurchases(params, holdoutLength, customers.x[i]!, customers.tx[i]!, customers.T[i]!);
  }
  return points.map((p) => ({ ...p, actual: p.customers ? p.actual / p.customers : 0, predicted: p.customers ? p.predicted / p.customers : 0 }));
}

export interface GroupSummary {
  group: string | null;
  customers: number;
  total: number;
  mean: number;
}

/** Per group (e.g. RFM segment, in the order first met): customers, total and mean of a per-customer figure such as predicted CLV. */
export function summariseBy(groups: ArrayLike<string | null>, values: ArrayLike<number>): GroupSummary[] {
  const byGroup = new Map<string | null, GroupSummary>();
  for (let i = 0; i < values.length; i++) {
    const group = groups[i] ?? null;
    let entry = byGroup.get(group);
    if (!entry) byGroup.set(group, (entry = { group, customers: 0, total: 0, mean: 0 }));
    entry.customers++;
    entry.total += values[i]!;
  }
  return [...byGroup.values()].map((g) => ({ ...g, mean: g.total / g.customers }));
}
