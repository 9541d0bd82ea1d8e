// Per-customer summaries grouped into weighted rows, so a likelihood costs one term per distinct row,
// and each row's x, t_x and T indexed into their distinct values, so that the log-gammas and logarithms
// of an evaluation are computed once per distinct value rather than once per row.

/** Columns of a per-customer summary: repeat purchases x, recency t_x and age T, in one time unit. */
export interface RfmColumns {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Customers per row, when the rows are already grouped (clvSummaryGroupedSql); 1 each by default. */
  weight?: ArrayLike<number>;
}

/** Distinct values of a column and, per row, the index of its value. */
export interface Indexed {
  values: Float64Array;
  index: Int32Array;
}

export interface WeightedRows {
  x: Indexed;
  tx: Indexed;
  T: Indexed;
  weight: Float64Array;
  /** Total weight: the number of customers. */
  customers: number;
}

function indexed(column: Float64Array): Indexed {
  const values = Float64Array.from(new Set(column));
  const position = new Map<number, number>();
  values.forEach((v, i) => position.set(v, i));
  return { values, index: Int32Array.from(column, (v) => position.get(v)!) };
}

/** Groups customers with identical (x, t_x, T) into one row weighted by their number. */
export function groupRows({ x, tx, T, weight }: RfmColumns): WeightedRows {
  const position = new Map<string, number>();
  const rows: number[][] = [];
  let customers = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weight ? weight[i]! : 1;
    customers += w;
    const key = `${x[i]} ${tx[i]} ${T[i]}`;
    const at = position.get(key);
    if (at === undefined) {
      position.set(key, rows.length);
      rows.push([x[i]!, tx[i]!, T[i]!, w]);
    } else rows[at]![3]! += w;
  }
  const column = (j: number) => Float64Array.from(rows, (row) => row[j]!);
  return { x: indexed(column(0)), tx: indexed(column(1)), T: indexed(column(2)), weight: column(3), customers };
}

/** The same rows with times divided by `scale`. */
export function scaleTimes(rows: WeightedRows, scale: number): WeightedRows {
  return {
    ...rows,
    tx: { ...rows.tx, values: rows.tx.values.map((v) => v / scale) },
    T: { ...rows.T, values: rows.T.values.map((v) => v / scale) },
  };
}
