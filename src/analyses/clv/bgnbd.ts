// BG/NBD ("buy till you die") model of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
// Marketing Science 24(2): while alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each
// purchase she dies with probability p ~ Beta(a, b). Fitted by maximum likelihood on (x, t_x, T).
import { groupRows, scaleTimes, type RfmColumns, type WeightedRows } from './data';
import { minimize } from './optimize';
import { hyp2f1, logGamma } from './special';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  /** Distinct (x, t_x, T) rows the likelihood summed over. */
  rows: number;
  evaluations: number;
  converged: boolean;
}

export const BGNBD_DEFINITIONS = {
  x: 'Repeat purchases: the number of days with a purchase after the first purchase day, up to the calibration end (purchases on one day count once).',
  tx: 'Recency: time from the first purchase day to the last purchase day.',
  T: "Age: time from the customer's first purchase day to the end of the calibration period.",
  r: 'BG/NBD r, α: purchase rates while alive follow a Gamma distribution with shape r and rate α (mean r / α purchases per time unit).',
  ab: 'BG/NBD a, b: after each purchase a customer drops out with probability p, which follows a Beta(a, b) distribution (mean a / (a + b)).',
  pAlive: 'P(alive): the probability, under the fitted BG/NBD model, that the customer has not dropped out, given her purchase history.',
  expectedPurchases: 'Expected purchases in the next t: the BG/NBD conditional expectation given the customer’s x, t_x and T.',
} as const satisfies Record<string, string>;

/** Σ log-likelihood over customers (Fader, Hardie & Lee 2005, eq. 6, in logs). */
export function bgnbdLogLikelihood(params: BgNbdParams, data: RfmColumns): number {
  return logLikelihood(params, groupRows(data));
}

function logLikelihood({ r, alpha, a, b }: BgNbdParams, rows: WeightedRows): number {
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const { x, tx, T, weight } = rows;
  // Per distinct x: ln Γ(r+x) + ln Γ(b+x) − ln Γ(a+b+x), and ln(a / (b+x−1)) for "dropped out after the last purchase".
  const gammas = x.values.map((v) => logGamma(r + v) + logGamma(b + v) - logGamma(a + b + v));
  const dropout = x.values.map((v) => (v > 0 ? Math.log(a / (b + v - 1)) : -Infinity));
  const logT = T.values.map((v) => Math.log(alpha + v));
  const logTx = tx.values.map((v) => Math.log(alpha + v));
  let total = 0;
  for (let i = 0; i < weight.length; i++) {
    const k = x.index[i]!;
    const rx = r + x.values[k]!;
    const alive = -rx * logT[T.index[i]!]!;
    const dead = dropout[k]! - rx * logTx[tx.index[i]!]!;
    const high = alive > dead ? alive : dead;
    const low = alive > dead ? dead : alive;
    total += weight[i]! * (gammas[k]! + high + Math.log1p(Math.exp(low - high)));
  }
  return total + rows.customers * (r * Math.log(alpha) - logGamma(r) + logGamma(a + b) - logGamma(b));
}

/**
 * Maximum-likelihood fit: Nelder–Mead on the logs of (r, α/s, a, b), with times scaled by
 * s = (largest T) / 10 so that all four start at 1 on a comparable scale.
 */
export function fitBgNbd(data: RfmColumns): BgNbdFit {
  const rows = groupRows(data);
  const maxT = rows.T.values.reduce((m, v) => Math.max(m, v), 0);
  const scale = maxT > 0 ? maxT / 10 : 1;
  const scaled = scaleTimes(rows, scale);
  const unpack = ([r, alpha, a, b]: number[]): BgNbdParams => ({ r: Math.exp(r!), alpha: Math.exp(alpha!), a: Math.exp(a!), b: Math.exp(b!) });
  const result = minimize((p) => (p.some((v) => Math.abs(v) > 30) ? Infinity : -logLikelihood(unpack(p), scaled)), [0, 0, 0, 0]);
  const fitted = unpack(result.x);
  const params = { ...fitted, alpha: fitted.alpha * scale };
  return {
    params,
    logLikelihood: logLikelihood(params, rows),
    customers: rows.customers,
    rows: rows.weight.length,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/** P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)). */
export function pAlive({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))));
}

/**
 * E[Y(t) | x, t_x, T], the expected purchases in the next t (Fader, Hardie & Lee 2005, eq. 10). The 2F1
 * there, 2F1(r+x, b+x; a+b+x−1; z) with z = t / (α+T+t), is rewritten by Euler's transformation so that
 * (1 − z)^(r+x) · 2F1(r+x, b+x; a+b+x−1; z) = (1 − z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * whose series is short and free of overflow for large x.
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const bracket = 1 - Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return (((a + b + x - 1) / (a - 1)) * bracket * pAlive(params, x, tx, T));
}

/** E[X(t)]: expected purchases of a new customer in her first t (eq. 7); the conditional case with x = t_x = T = 0. */
export function expectedPurchasesNew(params: BgNbdParams, t: number): number {
  return expectedPurchases(params, t, 0, 0, 0);
}
