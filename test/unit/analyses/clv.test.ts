// BTYD numerics without the shared data: special functions against closed forms, parameter recovery
// from data simulated with a seeded generator, the fit time on 100k customers, and discounted CLV.
import { describe, expect, it } from 'vitest';
import { hyp2f1, logGamma } from '../../../src/analyses/clv/special';
import { minimize } from '../../../src/analyses/clv/optimize';
import { bgnbdLogLikelihood, BGNBD_DEFINITIONS, expectedPurchases, expectedPurchasesNew, fitBgNbd, pAlive, type BgNbdParams } from '../../../src/analyses/clv/bgnbd';
import { expectedSpend, fitGammaGamma, GAMMA_GAMMA_DEFINITIONS } from '../../../src/analyses/clv/gamma-gamma';
import { annualToPeriodRate, CLV_DEFINITIONS, discountedClv, predictCustomers, summariseBy } from '../../../src/analyses/clv/clv';
import { CLV_SUMMARY_DEFINITIONS } from '../../../src/analyses/clv/summary';
import { groupRows } from '../../../src/analyses/clv/data';
import { mulberry32, simulateBgNbd, simulateSpend } from '../../../src/analyses/clv/simulate';

const TRUE: BgNbdParams = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };

/** Ages as in CDNOW: first purchases spread uniformly over 12 weeks, calibration ending in week 39, in whole days. */
function cdnowLikeAges(n: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  return Float64Array.from({ length: n }, () => (273 - Math.floor(random() * 84)) / 7);
}

const within = (actual: number, expected: number, tolerance: number) => Math.abs(actual / expected - 1) < tolerance;

describe('special functions', () => {
  it('log-gamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(171.5)).toBeCloseTo(709.1431630309282, 9); // Python math.lgamma
    expect(logGamma(0.001)).toBeCloseTo(6.907178885, 8);
  });

  it('2F1 matches its closed forms', () => {
    // 2F1(1, 1; 2; z) = −ln(1 − z) / z;  2F1(a, b; b; z) = (1 − z)^(−a)
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log(1 - z) / z, 10);
      expect(hyp2f1(0.7, 3.2, 3.2, z)).toBeCloseTo(Math.pow(1 - z, -0.7), 9);
    }
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });

  it('Nelder–Mead finds the minimum of the Rosenbrock function', () => {
    const result = minimize(([x, y]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2, [-1.2, 1]);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
    expect(result.converged).toBe(true);
  });
});

describe('BG/NBD', () => {
  it('recovers known parameters from 100k simulated customers, fitted within the 3 s target', () => {
    // Continuous purchase times, as the model assumes. (Rounding them to days and merging same-day purchases,
    // as the summary SQL does with real data, loses some purchases of the fastest buyers: α then comes out ~7% high.)
    const data = simulateBgNbd(TRUE, { ages: cdnowLikeAges(100_000, 20), seed: 2 });
    const started = performance.now();
    const fit = fitBgNbd(data);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `BG/NBD fit on ${fit.customers} customers (${fit.rows} distinct rows, ${fit.evaluations} evaluations): ${seconds.toFixed(2)} s; ` +
        `r ${fit.params.r.toFixed(4)} α ${fit.params.alpha.toFixed(4)} a ${fit.params.a.toFixed(4)} b ${fit.params.b.toFixed(4)} (true ${JSON.stringify(TRUE)})`,
    );
    // The target is 3 s (typically ~1 s here); the bound is generous because the test machine is shared.
    expect(seconds).toBeLessThan(5);
    expect(fit.converged).toBe(true);
    expect(within(fit.params.r, TRUE.r, 0.05)).toBe(true);
    expect(within(fit.params.alpha, TRUE.alpha, 0.05)).toBe(true);
    expect(within(fit.params.a, TRUE.a, 0.1)).toBe(true);
    expect(within(fit.params.b, TRUE.b, 0.1)).toBe(true);
    // the true parameters cannot fit the data better than the maximum
    expect(bgnbdLogLikelihood(TRUE, data)).toBeLessThan(fit.logLikelihood);
  });

  it('recovers parameters in days as well as weeks (α scales with the time unit)', () => {
    const weeks = simulateBgNbd(TRUE, { ages: cdnowLikeAges(20_000, 3), resolution: 1 / 7, seed: 4 });
    const days = { x: weeks.x, tx: weeks.tx.map((t) => Math.round(t * 7)), T: weeks.T.map((t) => Math.round(t * 7)) };
    const [inWeeks, inDays] = [fitBgNbd(weeks), fitBgNbd(days)];
    expect(inDays.params.r).toBeCloseTo(inWeeks.params.r, 4);
    expect(inDays.params.alpha / 7).toBeCloseTo(inWeeks.params.alpha, 3);
    expect(inDays.params.b).toBeCloseTo(inWeeks.params.b, 3);
  });

  it('grouping identical customers does not change the likelihood', () => {
    const data = simulateBgNbd(TRUE, { ages: cdnowLikeAges(2_000, 5), resolution: 1 / 7, seed: 6 });
    const grouped = groupRows(data);
    expect(grouped.weight.length).toBeLessThan(2_000);
    expect(grouped.customers).toBe(2_000);
    const column = ({ values, index }: { values: Float64Array; index: Int32Array }) => Array.from(index, (k) => values[k]!);
    let direct = 0;
    for (let i = 0; i < 2_000; i++) direct += bgnbdLogLikelihood(TRUE, { x: [data.x[i]!], tx: [data.tx[i]!], T: [data.T[i]!] });
    expect(bgnbdLogLikelihood(TRUE, data)).toBeCloseTo(direct, 6);
    expect(bgnbdLogLikelihood(TRUE, { x: column(grouped.x), tx: column(grouped.tx), T: column(grouped.T), weight: grouped.weight })).toBeCloseTo(direct, 6);
  });

  it('P(alive) is 1 without repeat purchases and falls with the time since the last one', () => {
    expect(pAlive(TRUE, 0, 0, 30)).toBe(1);
    expect(pAlive(TRUE, 3, 29, 30)).toBeGreaterThan(pAlive(TRUE, 3, 10, 30));
    // x = 1, t_x = 10, T = 30: 1 / (1 + 0.8 / 2.5 × (34 / 14)^1.25) = 1 / (1 + 0.32 × 3.03) ≈ 0.5077
    expect(pAlive(TRUE, 1, 10, 30)).toBeCloseTo(1 / (1 + 0.32 * Math.pow(34 / 14, 1.25)), 12);
  });

  it('expected purchases of a new customer match the simulated mean', () => {
    const t = 52;
    const sim = simulateBgNbd(TRUE, { ages: new Float64Array(50_000).fill(t), seed: 7 });
    const mean = sim.x.reduce((s, x) => s + x, 0) / sim.x.length;
    expect(within(expectedPurchasesNew(TRUE, t), mean, 0.03)).toBe(true);
    expect(expectedPurchasesNew(TRUE, 0)).toBe(0);
    // conditional expectation grows with the horizon and is large for a frequent, recent buyer
    expect(expectedPurchases(TRUE, 52, 20, 29, 30)).toBeGreaterThan(expectedPurchases(TRUE, 26, 20, 29, 30));
  });
});

describe('Gamma-Gamma', () => {
  it('recovers known parameters from simulated spend', () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const x = Float64Array.from({ length: 20_000 }, (_, i) => 1 + (i % 8));
    const m = simulateSpend(truth, x, 11);
    const fit = fitGammaGamma({ x, m });
    console.log(`Gamma-Gamma recovery: ${JSON.stringify(fit.params)} (true ${JSON.stringify(truth)})`);
    expect(fit.customers).toBe(20_000);
    expect(within(fit.params.p, truth.p, 0.05)).toBe(true);
    expect(within(fit.params.q, truth.q, 0.1)).toBe(true);
    expect(within(fit.params.gamma, truth.gamma, 0.12)).toBe(true);
  });

  it('conditional spend shrinks a customer’s mean towards the population mean', () => {
    const params = { p: 6, q: 4, gamma: 15 };
    // population mean γ p / (q − 1) = 30; x = 2, m = 60: (15 + 120) × 6 / (12 + 3) = 54
    expect(expectedSpend(params, 0, 0)).toBe(30);
    expect(expectedSpend(params, 2, 60)).toBeCloseTo(54, 12);
  });
});

describe('discounted CLV', () => {
  it('sums the period increments of expected purchases × spend × margin, discounted per period', () => {
    const options = { periods: 3, periodLength: 4, discountRate: 0.01, margin: 0.3 };
    const e = [0, 4, 8, 12].map((t) => expectedPurchases(TRUE, t, 2, 20, 30));
    const byHand = [1, 2, 3].reduce((s, k) => s + ((e[k]! - e[k - 1]!) * 50 * 0.3) / 1.01 ** k, 0);
    expect(discountedClv(TRUE, 50, 2, 20, 30, options)).toBeCloseTo(byHand, 12);
    // without discounting it is the expectation over the whole horizon × spend × margin
    expect(discountedClv(TRUE, 50, 2, 20, 30, { ...options, discountRate: 0 })).toBeCloseTo(e[3]! * 50 * 0.3, 10);
    expect(annualToPeriodRate(0.1, 12)).toBeCloseTo(Math.pow(1.1, 1 / 12) - 1, 15);
  });

  it('predicts per customer, column-wise', () => {
    const out = predictCustomers(TRUE, { x: [0, 2], tx: [0, 20], T: [30, 30], m: [0, 40] }, 10, {
      params: { p: 6, q: 4, gamma: 15 },
      clv: { periods: 12, periodLength: 4, discountRate: 0.01, margin: 1 },
    });
    expect(out.pAlive[0]).toBe(1);
    expect(out.expectedPurchases[1]).toBeCloseTo(expectedPurchases(TRUE, 10, 2, 20, 30), 12);
    expect(out.expectedSpend![0]).toBe(30);
    expect(out.clv![1]).toBeGreaterThan(0);
  });

  it('summarises a per-customer figure by segment', () => {
    expect(summariseBy(['Lost', 'Champions', 'Lost', null], [1, 10, 3, 5])).toEqual([
      { group: 'Lost', customers: 2, total: 4, mean: 2 },
      { group: 'Champions', customers: 1, total: 10, mean: 10 },
      { group: null, customers: 1, total: 5, mean: 5 },
    ]);
  });

  it('every metric has a written definition', () => {
    for (const definitions of [BGNBD_DEFINITIONS, GAMMA_GAMMA_DEFINITIONS, CLV_DEFINITIONS, CLV_SUMMARY_DEFINITIONS])
      for (const [key, text] of Object.entries(definitions)) expect(text.length, key).toBeGreaterThan(20);
  });
});
