// The predictive-CLV fit as one pure function of plain columns, so it can run in a Web Worker
// (workers/clv.worker.ts) and in a unit test alike. Times are in weeks (clvSummarySql unit 'weeks').
import { expectedPurchases, fitBgNbd, type BgNbdParams } from '../analyses/clv/bgnbd';
import { calibrationHoldout, predictCustomers, summariseBy, type GroupSummary, type HoldoutPoint } from '../analyses/clv/clv';
import { fitGammaGamma, type GammaGammaParams } from '../analyses/clv/gamma-gamma';

export const WEEKS_PER_MONTH = 365.25 / 12 / 7;

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
  const predictions = predictCustomers(
    bg.params,
    full,
    input.horizonMonths * WEEKS_PER_MONTH,
    gg ? { params: gg.params, clv: { periods: input.horizonMonths, periodLength: WEEKS_PER_MONTH, discountRate: input.monthlyDiscountRate, margin: input.grossMargin } } : undefined,
  );
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
    ms: performance.now() - started,
  };
}

/** Expected purchases of the fitted customers in the next `days` days (BG/NBD, weeks as the time unit). */
export function expectedPurchasesIn(result: Pick<ClvFitResult, 'bgnbd' | 'rows'>, days: number): number {
  return result.rows.reduce((sum, row) => sum + row.customers * expectedPurchases(result.bgnbd, days / 7, row.x, row.tx, row.T), 0);
}
