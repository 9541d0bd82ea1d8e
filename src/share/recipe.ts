// A recipe: the analysis without rows — the notebook, each file's column mapping (by file and
// column name), the date range, facets, segment and saved segments. It does carry values of the data
// (facet and segment values, literals in SQL, notes): the recipient is expected to have the same file. Carried in a #recipe= link and
// read back through validateRecipe, as any untrusted input; applied to whatever file the recipient loads.
import { GRAINS, type Grain } from '../analyses/activity-series';
import type { SinceGrain } from '../analyses/facets';
import { FACET_DIMENSIONS, type DateRange, type FacetSelections } from '../analyses/filters';
import { validateSegment, type Segment } from '../analyses/segments';
import { COLUMN_ROLES, type ColumnMapping, type ColumnRole } from '../ingest/types';
import type { NotebookDocument } from '../notebook/document';
import { NotebookImportError, checkDocument } from '../notebook/transfer';
import { RANGE_PRESETS, checkedRange, type RangePreset } from '../state/date-presets';
import { ShareError } from './codec';

export interface RecipeSource {
  file: string;
  mapping: ColumnMapping;
}

export interface RecipeView {
  preset: RangePreset;
  custom: DateRange | null;
  facets: FacetSelections;
  sinceGrain: SinceGrain;
  segment: Segment | null;
  grain: Grain | 'auto';
  churnWindowDays: number;
}

export interface Recipe {
  version: 1;
  notebook: NotebookDocument | null;
  sources: RecipeSource[];
  view: RecipeView;
  savedSegments: Segment[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (what: string): never => {
  throw new ShareError('invalid', what);
};

function mapping(v: unknown): ColumnMapping {
  if (!isObject(v)) return invalid('a column mapping');
  const out: ColumnMapping = {};
  for (const [role, column] of Object.entries(v)) {
    if (!(COLUMN_ROLES as readonly string[]).includes(role) || typeof column !== 'string') return invalid(`the role ${role}`);
    out[role as ColumnRole] = column;
  }
  return out;
}

/** The notebook, checked cell by cell as an imported notebook file is (checkDocument), or ShareError saying what is wrong. */
function notebook(v: unknown): NotebookDocument | null {
  if (v === null) return null;
  try {
    return checkDocument(v);
  } catch (error) {
    const detail = error instanceof NotebookImportError && error.problem === 'bad_cell' ? `notebook cell ${error.detail}` : 'the notebook is not a notebook';
    return invalid(detail);
  }
}

function segment(v: unknown): Segment {
  try {
    return validateSegment(v);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : 'a segment');
  }
}

/** Checks untrusted JSON from a link; throws ShareError saying what is wrong. */
export function validateRecipe(v: unknown): Recipe {
  if (!isObject(v)) return invalid('not an object');
  if (v.version !== 1) throw new ShareError('unknown_version', `version ${String(v.version)}`);
  const view = isObject(v.view) ? v.view : invalid('the view');
  const preset = (RANGE_PRESETS as readonly string[]).includes(view.preset as string) ? (view.preset as RangePreset) : invalid('the date range');
  const custom = view.custom === null ? null : isObject(view.custom) ? checkedRange(String(view.custom.start), String(view.custom.end)) ?? invalid('the custom range') : invalid('the custom range');
  const facets: FacetSelections = {};
  for (const [d, values] of Object.entries(isObject(view.facets) ? view.facets : invalid('the facets'))) {
    if (!(FACET_DIMENSIONS as readonly string[]).includes(d) || !Array.isArray(values) || !values.every((x) => x === null || typeof x === 'string')) invalid(`the facet ${d}`);
    facets[d as keyof FacetSelections] = values as (string | null)[];
  }
  const days = Number(view.churnWindowDays);
  return {
    version: 1,
    notebook: notebook(v.notebook ?? null),
    sources: Array.isArray(v.sources) ? v.sources.map((s) => (isObject(s) && typeof s.file === 'string' ? { file: s.file, mapping: mapping(s.mapping) } : invalid('a source'))) : invalid('the sources'),
    view: {
      preset,
      custom,
      facets,
      sinceGrain: ['year', 'quarter', 'month'].includes(view.sinceGrain as string) ? (view.sinceGrain as SinceGrain) : 'year',
      segment: view.segment === null || view.segment === undefined ? null : segment(view.segment),
      grain: view.grain === 'auto' || (GRAINS as readonly string[]).includes(view.grain as string) ? (view.grain as Grain | 'auto') : 'auto',
      churnWindowDays: Number.isFinite(days) && days >= 1 ? Math.round(days) : 90,
    },
    savedSegments: Array.isArray(v.savedSegments) ? v.savedSegments.map(segment) : invalid('the saved segments'),
  };
}

export interface LoadedColumns {
  index: number;
  fileName: string;
  columns: readonly string[];
  mapping: ColumnMapping;
}

export interface MappingPlan {
  /** setRole calls that make each loaded file's mapping the recipe's. */
  changes: { index: number; role: ColumnRole; column: string }[];
  /** Roles whose column the loaded file does not have: left as guessed. */
  missing: { file: string; role: ColumnRole; column: string }[];
}

/**
 * Matches each loaded file to the recipe's source of the same file name (else the one in the same
 * position, else the first), and lists the role changes whose columns exist and those that do not.
 */
export function mappingPlan(recipe: Recipe, loaded: readonly LoadedColumns[]): MappingPlan {
  const plan: MappingPlan = { changes: [], missing: [] };
  loaded.forEach((source, position) => {
    const match = recipe.sources.find((s) => s.file === source.fileName) ?? recipe.sources[position] ?? recipe.sources[0];
    if (!match) return;
    for (const [role, column] of Object.entries(match.mapping) as [ColumnRole, string][]) {
      if (!source.columns.includes(column)) plan.missing.push({ file: source.fileName, role, column });
      else if (source.mapping[role] !== column) plan.changes.push({ index: source.index, role, column });
    }
  });
  return plan;
}
