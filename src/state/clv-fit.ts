// The predictive-CLV fit as one pure function of plain columns, so it can run in a Web Worker
// (workers/clv.worker.ts) and in a unit test alike. Times are in weeks (clvSummarySql unit 'weeks').
import { expectedPurchases, fitBgNbd, pAlive, type BgNbdParams } from '../analyses/clv/bgnbd';
import { calibrationHoldout, discountedClv, predictCustomers, summariseBy, type ClvOptions, type GroupSummary, type HoldoutPoint } from '../analyses/clv/clv';
import { expectedSpend, fitGammaGamma, type GammaGammaParams } from '../analyses/clv/gamma-gamma';

export const WEEKS_PER_MONTH = 365.25 / 12 / 7;
/** Customers the fit hands back by name: the highest predicted CLV. */
export const TOP_CUSTOMERS = 20;

/** Per-customer columns of clvSummarySql (weeks), in one order. */
export interface ClvColumns {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  m: Float64Array;
}

export interface ClvFitInput {
  /** Summary to the end of the data: the models are fitted on it and predict from it. */
  full: ClvColumns;
  /** Each full-summary customer's RFM segment (null: none). */
  segments: (string | null)[];
  /** Summary with calibration end before the data's end, and its holdout purchases: the validation plot. */
  calibration: (ClvColumns & { xHoldout: Float64Array }) | null;
  holdoutWeeks: number;
  horizonMonths: number;
  /** Discount rate per month. */
  monthlyDiscountRate: number;
  grossMargin: number;
}

/** One customer's summary row (weeks): repeat purchases, recency, age, mean repeat spend. */
export interface ClvCustomerRow {
  x: number;
  tx: number;
  T: number;
  m: number;
}

/** A customer among the highest predicted CLV: her position in the input columns and her summary row. */
export interface ClvTopCustomer extends ClvCustomerRow {
  index: number;
  clv: number;
}

export interface ClvFitResult {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams | null;
  converged: boolean;
  customers: number;
  /** Per segment (in the order first met): customers, total and mean predicted CLV. */
  segments: GroupSummary[];
  /** Customers per P(alive) tenth: bin 0 is [0, 0.1), bin 9 is [0.9, 1]. */
  pAliveBins: number[];
  totalClv: number;
  /** Distinct (x, t_x, T) rows with their customers: enough to predict purchases for any horizon on the main thread. */
  rows: { x: number; tx: number; T: number; customers: number }[];
  holdout: HoldoutPoint[];
  /** Length of the holdout period (0: none). */
  holdoutWeeks: number;
  /** The CLV horizon, discounting and margin the fit predicted with; null without a spend model. */
  clvOptions: ClvOptions | null;
  /** The TOP_CUSTOMERS customers with the highest predicted CLV, highest first (none without a spend model). */
  top: ClvTopCustomer[];
  ms: number;
}

export function fitClvModels(input: ClvFitInput): ClvFitResult {
  const started = performance.now();
  const { full } = input;
  const bg = fitBgNbd(full);
  // Gamma-Gamma needs q > 1 for a finite expected spend; without enough repeat buyers it is left out.
  const gg = (() => {
    try {
      const fit = fitGammaGamma(full);
      return fit.customers > 0 && fit.params.q > 1 ? fit : null;
    } catch {
      return null;
    }
  })();
  const clvOptions: ClvOptions | null = gg
    ? { periods: input.horizonMonths, periodLength: WEEKS_PER_MONTH, discountRate: input.monthlyDiscountRate, margin: input.grossMargin }
    : null;
  const predictions = predictCustomers(bg.params, full, input.horizonMonths * WEEKS_PER_MONTH, gg && clvOptions ? { params: gg.params, clv: clvOptions } : undefined);
  const pAliveBins = Array.from({ length: 10 }, () => 0);
  for (const p of predictions.pAlive) pAliveBins[Math.min(9, Math.max(0, Math.floor(p * 10)))]!++;
  const clv = predictions.clv ?? new Float64Array(full.x.length);
  const byKey = new Map<string, { x: number; tx: number; T: number; customers: number }>();
  for (let i = 0; i < full.x.length; i++) {
    const key = `${full.x[i]} ${full.tx[i]} ${full.T[i]}`;
    const row = byKey.get(key);
    if (row) row.customers++;
    else byKey.set(key, { x: full.x[i]!, tx: full.tx[i]!, T: full.T[i]!, customers: 1 });
  }
  let holdout: HoldoutPoint[] = [];
  if (input.calibration && input.calibration.x.length > 0) {
    const calibrated = fitBgNbd(input.calibration);
    holdout = calibrationHoldout(calibrated.params, input.calibration, input.holdoutWeeks);
  }
  return {
    bgnbd: bg.params,
    gammaGamma: gg?.params ?? null,
    converged: bg.converged && (gg?.converged ?? true),
    customers: full.x.length,
    segments: summariseBy(input.segments, clv),
    pAliveBins,
    totalClv: clv.reduce((s, v) => s + v, 0),
    rows: [...byKey.values()],
    holdout,
    holdoutWeeks: holdout.length > 0 ? input.holdoutWeeks : 0,
    clvOptions,
    top: predictions.clv ? topCustomers(full, predictions.clv, TOP_CUSTOMERS) : [],
    ms: performance.now() - started,
  };
}

/** Expected purchases of the fitted customers in the next `days` days (BG/NBD, weeks as the time unit). */
export function expectedPurchasesIn(result: Pick<ClvFitResult, 'bgnbd' | 'rows'>, days: number): number {
  return result.rows.reduce((sum, row) => sum + row.customers * expectedPurchases(result.bgnbd, days / 7, row.x, row.tx, row.T), 0);
}

/** The `n` highest of `clv` (NaN left out), highest first, with each customer's summary row. */
function topCustomers(full: ClvColumns, clv: Float64Array, n: number): ClvTopCustomer[] {
  const top: number[] = [];
  for (let i = 0; i < clv.length; i++) {
    if (!Number.isFinite(clv[i]!)) continue;
    if (top.length === n && clv[i]! <= clv[top[n - 1]!]!) continue;
    let at = top.length;
    while (at > 0 && clv[top[at - 1]!]! < clv[i]!) at--;
    top.splice(at, 0, i);
    if (top.length > n) top.pop();
  }
  return top.map((i) => ({ index: i, x: full.x[i]!, tx: full.tx[i]!, T: full.T[i]!, m: full.m[i]!, clv: clv[i]! }));
}

export interface CustomerClv {
  pAlive: number;
  /** Expected purchases in the next `days` days. */
  expectedPurchases: number;
  /** Predicted discounted CLV over the fit's horizon; null without a spend model. */
  clv: number | null;
}

/** One customer's predictions from the fitted parameters and her summary row, as the fit computes them for everyone. */
export function predictCustomer(fit: Pick<ClvFitResult, 'bgnbd' | 'gammaGamma' | 'clvOptions'>, row: ClvCustomerRow, days: number): CustomerClv {
  const { bgnbd, gammaGamma, clvOptions } = fit;
  return {
    pAlive: pAlive(bgnbd, row.x, row.tx, row.T),
    expectedPurchases: expectedPurchases(bgnbd, days / 7, row.x, row.tx, row.T),
    clv: gammaGamma && clvOptions ? discountedClv(bgnbd, expectedSpend(gammaGamma, row.x, row.m), row.x, row.tx, row.T, clvOptions) : null,
  };
}
