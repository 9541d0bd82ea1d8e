// Sharing: the recipe link (read from the page's fragment, applied once the recipient loads a
// file) and the report (built from the dashboard's SQL, previewed exactly, as a link or a file).
import { QueryError } from '../db/query-error';
import { ShareError, PBKDF2_ITERATIONS, type ShareProblem } from '../share/codec';
import { MAX_LINK_CHARS, openFragment, readFragment, shareLink, type ShareFragment } from '../share/links';
import { DEFAULT_K } from '../share/privacy';
import { mappingPlan, validateRecipe, type Recipe } from '../share/recipe';
import { identifyingValues, PrivacyViolation, stringsIn } from '../share/privacy';
import { buildReport, validateReport, type CellSource, type ReportBlock, type ReportPayload } from '../share/report';
import type { NotebookCell } from '../notebook/document';
import { exportJson } from '../notebook/transfer';
import { reportHtml } from '../share/report-html';
import type { AppState } from './app.svelte';

export type RecipeStage = 'none' | 'waiting' | 'mapping' | 'view' | 'applied' | 'invalid';

export interface SharePreview {
  kind: 'recipe' | 'report';
  /** Exactly what the link carries (before compression, and before encryption with a passphrase). */
  json: string;
  link: string;
  tooLong: boolean;
  encrypted: boolean;
  payload: ReportPayload | null;
  /** A recipe's kinds of data values (facets, segments, sql, notes, mapping), for the preview to name. */
  carries: RecipeCarries[];
  /** How many strings of a recipe hold an identifying value of the data (same check as the report's). */
  identifying: number;
}

/** A chart or note cell the report can include. */
export interface ChoosableBlock {
  id: string;
  kind: 'chart' | 'note';
  /** A chart's source cell name; a note's first words. */
  label: string;
}

/** A note's first words, for lists. */
export const noteStart = (markdown: string) => {
  const text = markdown.replace(/[#*_`>\[\]]/g, '').replace(/\s+/g, ' ').trim();
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

export type RecipeCarries = 'facets' | 'segments' | 'sql' | 'notes' | 'mapping';

/**
 * Why a link could not be read: `problem` names the catalogue message (share.problem.* for a report,
 * share.recipeProblem.* for a recipe); `detail` is the technical part (which field, which version),
 * shown inside the message only where it helps to say what is wrong.
 */
export interface LinkProblem {
  problem: ShareProblem;
  detail: string;
}

/** A ShareError as a LinkProblem; anything else thrown while reading a link means it is damaged. */
export const linkProblem = (error: unknown): LinkProblem =>
  error instanceof ShareError ? { problem: error.problem, detail: error.message } : { problem: 'damaged', detail: String(error) };

export class ShareState {
  recipe = $state.raw<Recipe | null>(null);
  recipeStage = $state<RecipeStage>('none');
  /** Why the recipe link could not be read (stage 'invalid'). */
  recipeProblem = $state.raw<LinkProblem | null>(null);
  /** Roles named in the recipe whose columns the loaded file lacks ("customer_email (Email)"). */
  missingRoles = $state.raw<string[]>([]);

  k = $state(DEFAULT_K);
  passphrase = $state('');
  /** Names of the notebook SQL cells to include. */
  cells = $state.raw<string[]>([]);
  /** Ids of the notebook chart and note cells to include (a chart only with its SQL cell's result). */
  blockIds = $state.raw<string[]>([]);
  status = $state<'idle' | 'building' | 'ready' | 'error'>('idle');
  error = $state('');
  preview = $state.raw<SharePreview | null>(null);

  readonly maxLink = MAX_LINK_CHARS;
  readonly iterations = PBKDF2_ITERATIONS;

  constructor(
    readonly app: AppState,
    readonly base: string,
  ) {}

  /**
   * Reads a #recipe= fragment: the notebook opens at once, the rest waits for a file. Once the recipe
   * is decoded and valid, the fragment is taken out of the address (history.replaceState), so a reload
   * does not open the recipe again over the edits made since. A recipe that does not pass
   * validateRecipe changes nothing, and its fragment stays in the address (the banner says so) for
   * the user to check or send back; dismissing the banner takes it out.
   */
  async readRecipe(hash: string): Promise<void> {
    const fragment = readFragment(hash);
    if (fragment?.kind !== 'recipe') return;
    try {
      const recipe = validateRecipe(await openFragment(fragment));
      dropFragment(hash);
      this.recipe = recipe;
      if (recipe.notebook) await this.#openNotebook(recipe.notebook);
      this.recipeStage = 'waiting';
    } catch (error) {
      this.recipeStage = 'invalid';
      this.recipeProblem = linkProblem(error);
    }
  }

  /** After a file is loaded: the recipe's mapping, role by role (each rebuilds the orders). */
  async applyMapping(): Promise<void> {
    const recipe = this.recipe;
    if (!recipe || this.recipeStage !== 'waiting' || this.app.sources.length === 0) return;
    this.recipeStage = 'mapping';
    const sources = this.app.sources.map((s) => ({ index: s.loaded.index, fileName: s.loaded.fileName, columns: s.loaded.columns.map((c) => c.name), mapping: s.mapping }));
    const plan = mappingPlan(recipe, sources);
    this.missingRoles = plan.missing.map((m) => `${this.app.format.t(`role.${m.role}`)} (${m.column})`);
    for (const change of plan.changes) await this.app.setRole(change.index, change.role, change.column);
    // The last rebuild has started the dashboard's reset: the view goes on once it is ready.
    this.recipeStage = 'view';
  }

  /** Once the dashboard is ready on the recipient's data: range, facets, segment, saved segments. */
  applyView(): void {
    const recipe = this.recipe;
    if (!recipe || this.recipeStage !== 'view') return;
    this.recipeStage = 'applied';
    this.app.dashboard.segments.importSegments(recipe.savedSegments);
    this.app.dashboard.restore(recipe.view);
  }

  dismissRecipe(): void {
    // An unreadable link was left in the address: dismissed, it goes (a reload would show the error again).
    if (this.recipeStage === 'invalid' && typeof location !== 'undefined') dropFragment(location.hash);
    this.recipeStage = 'none';
    this.recipe = null;
  }

  /** The current analysis as a recipe: no data, only names and choices. */
  currentRecipe(): Recipe {
    const d = this.app.dashboard;
    return $state.snapshot({
      version: 1 as const,
      notebook: this.app.notebook.document,
      sources: this.app.sources.map((s) => ({ file: s.loaded.fileName, mapping: s.mapping })),
      view: { preset: d.preset, custom: d.custom, facets: d.facets, sinceGrain: d.sinceGrain, segment: d.segment, grain: d.grain, churnWindowDays: d.churnWindowDays },
      savedSegments: d.segments.saved,
    }) as Recipe;
  }

  async makeRecipe(): Promise<void> {
    await this.#build(async () => {
      const recipe = this.currentRecipe();
      const carries = recipeCarries(recipe);
      // The recipe's own words (facet and segment values, SQL, notes), checked against the data as the report's are,
      // word by word: SQL is code, where a short identifier inside a name ("ines" in order_lines) means nothing.
      const { notebook, view, savedSegments } = recipe;
      const found = await identifyingValues(this.app.db, [...stringsIn({ facets: view.facets, segment: view.segment, savedSegments, cells: notebook?.cells.map((c) => (c.kind === 'sql' ? c.sql : c.kind === 'note' ? c.markdown : '')) })], [], { contained: false });
      return { kind: 'recipe', json: JSON.stringify(recipe, null, 2), link: await shareLink(this.base, 'recipe', recipe), encrypted: false, payload: null, carries, identifying: found.strings.size };
    });
  }

  /** The notebook as a JSON file, for a recipe too long for a link. */
  notebookFile(): string {
    return exportJson($state.snapshot(this.app.notebook.document) as typeof this.app.notebook.document);
  }

  /** The recipe's notebook, with the user's own put aside (the notebook's Restore my notebook brings it back). */
  #openNotebook(document: NonNullable<Recipe['notebook']>): Promise<void> {
    return this.app.notebook.openFromRecipe(document);
  }

  /** The notebook's SQL cells that have a result, by name. */
  availableCells(): string[] {
    const runs = this.app.notebook.runs;
    return this.app.notebook.document.cells.flatMap((c) => (c.kind === 'sql' && runs[c.id]?.status === 'ready' ? [c.name] : []));
  }

  /** The notebook's chart and note cells, to choose from: a chart named by its source, a note by its first words. */
  availableBlocks(): ChoosableBlock[] {
    return this.app.notebook.document.cells.flatMap((c): ChoosableBlock[] => {
      if (c.kind === 'chart') return c.source ? [{ id: c.id, kind: 'chart', label: c.source }] : [];
      if (c.kind === 'note') return c.markdown.trim() ? [{ id: c.id, kind: 'note', label: noteStart(c.markdown) }] : [];
      return [];
    });
  }

  /** The chosen cells in notebook order, as the report takes them. */
  #blocks(): ReportBlock[] {
    const chosen = this.#cellSources().map((c) => c.name);
    return ($state.snapshot(this.app.notebook.document.cells) as NotebookCell[]).flatMap((c): ReportBlock[] => {
      if (c.kind === 'sql') return chosen.includes(c.name) ? [{ kind: 'table', name: c.name }] : [];
      if (!this.blockIds.includes(c.id)) return [];
      if (c.kind === 'note') return [{ kind: 'note', markdown: c.markdown }];
      return [{ kind: 'chart', source: c.source, mark: c.mark, ...(c.x ? { x: c.x } : {}), ...(c.y ? { y: c.y } : {}), ...(c.color ? { color: c.color } : {}), ...(c.facet ? { facet: c.facet } : {}) }];
    });
  }

  /** The chosen cells: each SQL cell's whole result is the engine table named after it, checked there in full. */
  #cellSources(): CellSource[] {
    return this.cells.filter((n) => this.availableCells().includes(n)).map((name) => ({ name, relation: name }));
  }

  async makeReport(): Promise<void> {
    await this.#build(async () => {
      const d = this.app.dashboard;
      const payload = await buildReport(this.app.db, {
        filter: $state.snapshot(d.filter) as typeof d.filter,
        k: Math.max(DEFAULT_K, Math.floor(this.k) || DEFAULT_K),
        grain: d.grain,
        churnWindowDays: d.churnWindowDays,
        sinceGrain: d.sinceGrain,
        rfmRelation: 'rfm_customers',
        cells: this.#cellSources(),
        blocks: this.#blocks(),
      });
      const encrypted = this.passphrase.length > 0;
      return { kind: 'report', json: JSON.stringify(payload, null, 2), link: await shareLink(this.base, 'report', payload, this.passphrase), encrypted, payload, carries: [], identifying: 0 };
    });
  }

  async #build(make: () => Promise<Omit<SharePreview, 'tooLong'>>): Promise<void> {
    this.status = 'building';
    this.error = '';
    this.preview = null;
    try {
      const preview = await make();
      this.preview = { ...preview, tooLong: preview.link.length > MAX_LINK_CHARS };
      this.status = 'ready';
    } catch (error) {
      this.status = 'error';
      this.error = this.#buildError(error);
    }
  }

  /** What went wrong building a link, in the catalogue's words (an engine error keeps the engine's first line). */
  #buildError(error: unknown): string {
    const t = this.app.format.t.bind(this.app.format);
    if (error instanceof PrivacyViolation) return t('share.error.privacy', { detail: error.message });
    if (error instanceof ShareError) return t(error.problem === 'too_large' ? 'share.error.tooLarge' : 'share.error.unreadable', { detail: error.message });
    return QueryError.from(error).message.split('\n')[0] ?? '';
  }

  /** The previewed report as one HTML file. */
  reportFile(): string | null {
    return this.preview?.payload ? reportHtml(this.preview.payload, this.app.format) : null;
  }
}

/** Takes a recipe fragment `hash` out of the page's address, if it is still there. */
function dropFragment(hash: string): void {
  if (typeof history !== 'undefined' && typeof location !== 'undefined' && location.hash === hash && readFragment(hash)?.kind === 'recipe') {
    history.replaceState(history.state, '', location.href.split('#')[0]);
  }
}

/** Which kinds of data values a recipe carries, for the preview to say so. */
export function recipeCarries(recipe: Recipe): RecipeCarries[] {
  const out: RecipeCarries[] = ['mapping'];
  if (Object.values(recipe.view.facets).some((v) => v && v.length > 0)) out.push('facets');
  if (recipe.view.segment || recipe.savedSegments.length > 0) out.push('segments');
  if (recipe.notebook?.cells.some((c) => c.kind === 'sql')) out.push('sql');
  if (recipe.notebook?.cells.some((c) => c.kind === 'note')) out.push('notes');
  return out;
}

/** The read-only viewer of a #report= / #report-locked= link: no data, no engine needed. */
export class ReportView {
  status = $state<'locked' | 'opening' | 'ready' | 'error'>('opening');
  problem = $state.raw<LinkProblem | null>(null);
  payload = $state.raw<ReportPayload | null>(null);

  constructor(readonly fragment: ShareFragment) {
    if (fragment.kind === 'report-locked') this.status = 'locked';
    else void this.open();
  }

  async open(passphrase = ''): Promise<void> {
    this.status = 'opening';
    try {
      this.payload = validateReport(await openFragment(this.fragment, passphrase));
      this.problem = null;
      this.status = 'ready';
    } catch (error) {
      this.problem = linkProblem(error);
      // A wrong passphrase may be retried; anything else is final.
      this.status = this.fragment.kind === 'report-locked' && this.problem.problem === 'wrong_passphrase' ? 'locked' : 'error';
    }
  }
}
