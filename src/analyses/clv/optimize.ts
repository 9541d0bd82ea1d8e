// Derivative-free minimisation for the likelihood fits: Nelder–Mead with the dimension-adapted
// coefficients of Gao & Han (2012), restarted from its best point until a restart no longer improves.
// Deterministic: no random steps, so the same data always gives the same fit.

export interface MinimizeOptions {
  /** Initial step along each coordinate. */
  step?: number;
  /** Stop when the simplex's values differ by less than this × (1 + |best value|)… */
  fTolerance?: number;
  /** …and its points by less than this along every coordinate. */
  xTolerance?: number;
  maxEvaluations?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
  converged: boolean;
}

function nelderMead(f: (x: number[]) => number, start: number[], step: number, fTol: number, xTol: number, budget: number) {
  const n = start.length;
  const [alpha, beta, gamma, delta] = [1, 1 + 2 / n, 0.75 - 1 / (2 * n), 1 - 1 / n];
  let evaluations = 0;
  const value = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const points = [start, ...start.map((_, i) => start.map((xi, j) => (i === j ? xi + step : xi)))];
  const values = points.map(value);
  let converged = false;
  while (evaluations < budget) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const sorted = order.map((i) => points[i]!);
    const sortedValues = order.map((i) => values[i]!);
    points.splice(0, points.length, ...sorted);
    values.splice(0, values.length, ...sortedValues);
    const spreadF = values[n]! - values[0]!;
    const spreadX = Math.max(...points.slice(1).flatMap((p) => p.map((xi, j) => Math.abs(xi - points[0]![j]!))));
    if (spreadF <= fTol * (1 + Math.abs(values[0]!)) && spreadX <= xTol) {
      converged = true;
      break;
    }
    const centroid = start.map((_, j) => points.slice(0, n).reduce((s, p) => s + p[j]!, 0) / n);
    const worst = points[n]!;
    const along = (t: number) => centroid.map((c, j) => c + t * (c - worst[j]!));
    const reflected = along(alpha);
    const fr = value(reflected);
    if (fr < values[0]!) {
      const expanded = along(alpha * beta);
      const fe = value(expanded);
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]!) {
      [points[n], values[n]] = [reflected, fr];
    } else {
      const outside = fr < values[n]!;
      const contracted = along(outside ? alpha * gamma : -gamma);
      const fc = value(contracted);
      if (fc < (outside ? fr : values[n]!)) {
        [points[n], values[n]] = [contracted, fc];
      } else {
        for (let i = 1; i <= n; i++) {
          points[i] = points[i]!.map((xi, j) => points[0]![j]! + delta * (xi - points[0]![j]!));
          values[i] = value(points[i]!);
        }
      }
    }
  }
  const best = values.indexOf(Math.min(...values));
  return { x: points[best]!, value: values[best]!, evaluations, converged };
}

export function minimize(f: (x: number[]) => number, start: number[], options: MinimizeOptions = {}): MinimizeResult {
  const { step = 0.5, fTolerance = 1e-12, xTolerance = 1e-6, maxEvaluations = 20_000 } = options;
  let result = nelderMead(f, start, step, fTolerance, xTolerance, maxEvaluations);
  let evaluations = result.evaluations;
  // A simplex can collapse before the optimum; restarting from the best point with a fresh simplex
  // is the standard remedy. Stop when a restart gains nothing.
  for (let restart = 0; restart < 10 && evaluations < maxEvaluations; restart++) {
    const next = nelderMead(f, result.x, step / 5, fTolerance, xTolerance, maxEvaluations - evaluations);
    evaluations += next.evaluations;
    const improved = next.value < result.value - fTolerance * (1 + Math.abs(result.value));
    if (next.value <= result.value) result = next;
    if (!improved) break;
  }
  return { ...result, evaluations };
}
