/** What a column of the user's file can mean to the analytics. */
export const COLUMN_ROLES = [
  'customer_id',
  'customer_email',
  'customer_name',
  'order_id',
  'ordered_at',
  'amount',
  'unit_price',
  'quantity',
  'currency',
  'product',
  'category',
  'country',
  'city',
  'status',
  'refund',
  'channel',
] as const;

export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** One column of a loaded file, as DuckDB typed it, with a few distinct non-null example values. */
export interface SourceColumn {
  name: string;
  /** DuckDB type name, e.g. VARCHAR, BIGINT, DOUBLE, DATE, TIMESTAMP. */
  type: string;
  /** Up to ~5 distinct non-null values rendered as text. */
  examples: string[];
}

/** Which source column plays which role. A role left out is not present in the file. */
export type ColumnMapping = Partial<Record<ColumnRole, string>>;
