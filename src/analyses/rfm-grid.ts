// RFM segment grids as data: which named segment each (R score, FM score) cell belongs to.
// Users edit these rules in the UI; validateGrid says what an edited grid leaves unreachable or uncovered.
import { quoteLiteral } from '../db/sql';

export const SCORES = [1, 2, 3, 4, 5] as const;
export type Score = (typeof SCORES)[number];

/** The grid's vertical axis: FM = ceil((F + M) / 2) (Putler), or F or M alone. Its horizontal axis is always R. */
export type GridAxis = 'FM' | 'F' | 'M';

/** An inclusive range of scores, [low, high]. */
export type ScoreRange = readonly [number, number];

export interface SegmentInfo {
  name: string;
  /** One line: who these customers are. */
  description: string;
  /** One line: what to do about them. */
  action: string;
}

/** Cells with R in `r` and the vertical score in `y` belong to `segment`. Earlier rules win where rules overlap. */
export interface SegmentRule {
  segment: string;
  r: ScoreRange;
  y: ScoreRange;
}

export interface SegmentGrid {
  id: string;
  name: string;
  axis: GridAxis;
  segments: SegmentInfo[];
  rules: SegmentRule[];
}

const cell = (segment: string, r: ScoreRange, y: ScoreRange): SegmentRule => ({ segment, r, y });

/** Putler's 11 segments on R × FM. */
export const PUTLER_GRID: SegmentGrid = {
  id: 'putler',
  name: 'Putler: 11 segments (R × FM)',
  axis: 'FM',
  segments: [
    { name: 'Champions', description: 'Bought recently, buy often and spend the most.', action: 'Reward them; they can become early adopters and promoters of new products.' },
    { name: 'Loyal Customers', description: 'Buy often and spend well; respond to promotions.', action: 'Upsell higher-value products; ask for reviews.' },
    { name: 'Potential Loyalists', description: 'Recent customers who spent a good amount, some more than once.', action: 'Offer a membership or loyalty programme; recommend other products.' },
    { name: 'Recent Customers', description: 'Bought very recently, but not often.', action: 'Onboard them well and give them an early success.' },
    { name: 'Promising', description: 'Recent shoppers who have not spent much yet.', action: 'Build brand awareness; offer free trials.' },
    { name: 'Need Attention', description: 'Middling recency, frequency and spend; may not have bought very recently.', action: 'Make limited-time offers based on their past purchases.' },
    { name: 'About to Sleep', description: 'Below-average recency and frequency; lost without reactivation.', action: 'Share useful content and recommend popular products at a discount.' },
    { name: 'At Risk', description: 'Spent much and bought often, but long ago.', action: 'Reconnect with personal e-mails, renewals and helpful resources.' },
    { name: "Can't Lose Them", description: 'Made the biggest and most frequent purchases, but have not come back for a long time.', action: 'Win them back with renewals or new products; talk to them.' },
    { name: 'Hibernating', description: 'Last purchase long ago, few orders, low spend.', action: 'Offer relevant products and special discounts.' },
    { name: 'Lost', description: 'Lowest recency, frequency and spend.', action: 'Try one reach-out campaign; otherwise spend nothing on them.' },
  ],
  rules: [
    cell('Champions', [5, 5], [5, 5]),
    cell('Loyal Customers', [3, 4], [5, 5]),
    cell('Loyal Customers', [3, 5], [4, 4]),
    cell('Potential Loyalists', [4, 5], [2, 3]),
    cell('Recent Customers', [5, 5], [1, 1]),
    cell('Promising', [4, 4], [1, 1]),
    cell('Need Attention', [3, 3], [3, 3]),
    cell('About to Sleep', [3, 3], [1, 2]),
    cell('At Risk', [2, 2], [5, 5]),
    cell('At Risk', [1, 2], [3, 4]),
    cell("Can't Lose Them", [1, 1], [5, 5]),
    cell('Hibernating', [2, 2], [2, 2]),
    cell('Lost', [1, 1], [2, 2]),
    cell('Lost', [1, 2], [1, 1]),
  ],
};

/**
 * The recency × frequency map of the common Python RFM tutorials, whose regular expressions over
 * the "RF" string (e.g. r'[1-2][3-4]' → at risk) are written here as ranges.
 */
export const RF_TUTORIAL_GRID: SegmentGrid = {
  id: 'rf-tutorial',
  name: 'Recency × frequency: 10 segments',
  axis: 'F',
  segments: [
    { name: 'Champions', description: 'Bought recently and often.', action: 'Reward them; ask for referrals and reviews.' },
    { name: 'Loyal Customers', description: 'Buy often and fairly recently.', action: 'Upsell; invite them to a loyalty programme.' },
    { name: 'Potential Loyalists', description: 'Recent customers with a few orders.', action: 'Recommend related products to make buying a habit.' },
    { name: 'New Customers', description: 'First order very recently.', action: 'Onboard them; make the second order easy.' },
    { name: 'Promising', description: 'Fairly recent, one order so far.', action: 'Follow up with an offer for a second purchase.' },
    { name: 'Need Attention', description: 'Middling recency and frequency.', action: 'Make a limited-time offer.' },
    { name: 'About to Sleep', description: 'Middling recency, few orders.', action: 'Reactivate with popular products or a discount.' },
    { name: 'At Risk', description: 'Bought fairly often, but long ago.', action: 'Reconnect with personal messages and renewals.' },
    { name: "Can't Lose Them", description: 'Bought most often, but long ago.', action: 'Win them back; find out what went wrong.' },
    { name: 'Hibernating', description: 'Few orders, long ago.', action: 'Low-cost reactivation only.' },
  ],
  rules: [
    cell('Hibernating', [1, 2], [1, 2]), // [1-2][1-2]
    cell('At Risk', [1, 2], [3, 4]), // [1-2][3-4]
    cell("Can't Lose Them", [1, 2], [5, 5]), // [1-2]5
    cell('About to Sleep', [3, 3], [1, 2]), // 3[1-2]
    cell('Need Attention', [3, 3], [3, 3]), // 33
    cell('Loyal Customers', [3, 4], [4, 5]), // [3-4][4-5]
    cell('Promising', [4, 4], [1, 1]), // 41
    cell('New Customers', [5, 5], [1, 1]), // 51
    cell('Potential Loyalists', [4, 5], [2, 3]), // [4-5][2-3]
    cell('Champions', [5, 5], [4, 5]), // 5[4-5]
  ],
};

export const GRID_PRESETS: readonly SegmentGrid[] = [PUTLER_GRID, RF_TUTORIAL_GRID];

const within = (score: number, [low, high]: ScoreRange) => score >= low && score <= high;

/** The segment of each cell: `cells[y - 1][r - 1]`, or null where no rule covers the cell. The first matching rule wins. */
export function gridCells(grid: SegmentGrid): (string | null)[][] {
  return SCORES.map((y) => SCORES.map((r) => grid.rules.find((rule) => within(r, rule.r) && within(y, rule.y))?.segment ?? null));
}

export interface GridProblems {
  /** Named segments that no cell reaches (no rule, or every rule shadowed by earlier ones). */
  unreachable: string[];
  /** Cells no rule covers: their customers would have no segment. */
  uncovered: { r: Score; y: Score }[];
  /** Segment names used by rules but missing from `segments` (no description or action). */
  undescribed: string[];
  /** Rules whose ranges are not within 1–5 or run backwards. */
  invalidRules: number[];
}

export function validateGrid(grid: SegmentGrid): GridProblems {
  const cells = gridCells(grid);
  const reached = new Set(cells.flat().filter((s): s is string => s !== null));
  const named = new Set(grid.segments.map((s) => s.name));
  const validRange = ([low, high]: ScoreRange) => Number.isInteger(low) && Number.isInteger(high) && low >= 1 && high <= 5 && low <= high;
  return {
    unreachable: grid.segments.map((s) => s.name).filter((name) => !reached.has(name)),
    uncovered: SCORES.flatMap((y) => SCORES.filter((r) => cells[y - 1]![r - 1] === null).map((r) => ({ r, y }))),
    undescribed: [...new Set(grid.rules.map((rule) => rule.segment))].filter((name) => !named.has(name)),
    invalidRules: grid.rules.flatMap((rule, i) => (validRange(rule.r) && validRange(rule.y) ? [] : [i])),
  };
}

export function gridIsValid(problems: GridProblems): boolean {
  return problems.unreachable.length === 0 && problems.uncovered.length === 0 && problems.undescribed.length === 0 && problems.invalidRules.length === 0;
}

/** The grid as a SQL VALUES table (r INTEGER, y INTEGER, segment VARCHAR), segment names quoted as literals. */
export function gridValuesSql(grid: SegmentGrid, alias = 'segment_grid'): string {
  const rows = gridCells(grid).flatMap((row, yi) => row.map((segment, ri) => `(${ri + 1}, ${yi + 1}, ${segment === null ? 'NULL' : quoteLiteral(segment)})`));
  return `(VALUES ${rows.join(', ')}) AS ${alias}(r, y, segment)`;
}
