// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves", and
// Fader & Hardie's note "The Gamma-Gamma Model of Monetary Value", 2013): each transaction's value is
// Gamma(p, ν), and ν ~ Gamma(q, γ) across customers. Fitted on customers with x > 0 repeat purchases
// and their mean repeat-purchase value m > 0.
import { minimize } from './optimize';
import { logGamma } from './special';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
  evaluations: number;
  converged: boolean;
}

/** x: repeat purchases; m: their mean value. */
export interface SpendColumns {
  x: ArrayLike<number>;
  m: ArrayLike<number>;
}

export const GAMMA_GAMMA_DEFINITIONS = {
  m: "Mean repeat spend: the mean net revenue of the customer's repeat purchase days in the calibration period (the first purchase day left out).",
  expectedSpend:
    "Expected spend per purchase: the Gamma-Gamma conditional mean, a weighted average of the customer's own mean spend and the population's, weighted by how many repeat purchases she made.",
} as const satisfies Record<string, string>;

interface SpendRows {
  x: Float64Array;
  logX: Float64Array;
  m: Float64Array;
  logM: Float64Array;
  weight: Float64Array;
  customers: number;
}

/** Only customers with x > 0 and m > 0 carry information on spend; duplicates are weighted. */
function spendRows({ x, m }: SpendColumns): SpendRows {
  const index = new Map<string, number>();
  const rows: number[][] = [];
  for (let i = 0; i < x.length; i++) {
    if (!(x[i]! > 0 && m[i]! > 0)) continue;
    const key = `${x[i]} ${m[i]}`;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, rows.length);
      rows.push([x[i]!, m[i]!, 1]);
    } else rows[at]![2]!++;
  }
  const column = (f: (row: number[]) => number) => Float64Array.from(rows, f);
  return {
    x: column((r) => r[0]!),
    logX: column((r) => Math.log(r[0]!)),
    m: column((r) => r[1]!),
    logM: column((r) => Math.log(r[1]!)),
    weight: column((r) => r[2]!),
    customers: rows.reduce((n, r) => n + r[2]!, 0),
  };
}

function logLikelihood({ p, q, gamma }: GammaGammaParams, rows: SpendRows): number {
  if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
  const common = q * Math.log(gamma) - logGamma(q);
  const byX = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < rows.x.length; i++) {
    const x = rows.x[i]!;
    let perX = byX.get(x);
    if (perX === undefined) {
      perX = logGamma(p * x + q) - logGamma(p * x);
      byX.set(x, perX);
    }
    const px = p * x;
    total += rows.weight[i]! * (perX + (px - 1) * rows.logM[i]! + px * rows.logX[i]! - (px + q) * Math.log(gamma + rows.m[i]! * x));
  }
  return total + common * rows.customers;
}

/** Σ log-likelihood over customers with x > 0 and m > 0. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendColumns): number {
  return logLikelihood(params, spendRows(data));
}

/** Maximum-likelihood fit: Nelder–Mead on log p, log q, log(γ / s) with s the mean of m. */
export function fitGammaGamma(data: SpendColumns): GammaGammaFit {
  const rows = spendRows(data);
  const scale = rows.customers > 0 ? rows.m.reduce((s, m, i) => s + m * rows.weight[i]!, 0) / rows.customers : 1;
  const scaled = { ...rows, m: rows.m.map((m) => m / scale), logM: rows.logM.map((l) => l - Math.log(scale)) };
  const unpack = ([p, q, gamma]: number[]): GammaGammaParams => ({ p: Math.exp(p!), q: Math.exp(q!), gamma: Math.exp(gamma!) });
  const result = minimize((v) => (v.some((t) => Math.abs(t) > 30) ? Infinity : -logLikelihood(unpack(v), scaled)), [0, 0, 0]);
  const fitted = unpack(result.x);
  const params = { ...fitted, gamma: fitted.gamma * scale };
  return { params, logLikelihood: logLikelihood(params, rows), customers: rows.customers, evaluations: result.evaluations, converged: result.converged };
}

/**
 * E[M | x, m] = (γ + m x) p / (p x + q − 1): the expected value of a customer's future purchases.
 * For x = 0 it is the population mean γ p / (q − 1). Needs q > 1.
 */
export function expectedSpend({ p, q, gamma }: GammaGammaParams, x: number, m: number): number {
  return ((gamma + (x > 0 ? m * x : 0)) * p) / (p * x + q - 1);
}
