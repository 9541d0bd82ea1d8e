// Saved segments and the one being edited. Segments are kept in the browser (localStorage), read
// back through the same validation as any input, and measured live against the current scope.
import type { Database } from '../db/database';
import { QueryError } from '../db/query-error';
import { SegmentError, parseSegments, segmentSizeSql, serializeSegments, validateSegment, type Segment, type SegmentRule } from '../analyses/segments';

const STORAGE_KEY = 'clientele.segments';

export const emptySegment = (name = ''): Segment => ({ name, combine: 'and', groups: [{ combine: 'and', rules: [] }] });

export const defaultRule = (kind: SegmentRule['kind']): SegmentRule => {
  switch (kind) {
    case 'text':
      return { kind, field: 'country', op: 'is', value: '' };
    case 'product':
      return { kind, product: '', when: 'ever' };
    case 'number':
      return { kind, field: 'total_revenue', op: '>=', value: 100 };
    case 'date':
      return { kind, field: 'first_purchase', op: 'on_or_after', value: new Date().toISOString().slice(0, 10) };
    case 'rfm':
      return { kind, segment: 'Champions' };
    case 'churn':
      return { kind, risk: 'overdue' };
  }
};

export class SegmentLibrary {
  saved = $state.raw<Segment[]>([]);
  draft = $state.raw<Segment | null>(null);
  size = $state.raw<{ customers: number; inRange: number } | null>(null);
  error = $state('');
  #measuring = 0;
  /** Resolves when the tables a segment is measured on are built; false when they will not be (the dashboard's customer base). */
  whenReady: () => Promise<boolean> = async () => true;

  constructor(
    readonly db: Database,
    readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null,
  ) {
    const text = storage?.getItem(STORAGE_KEY);
    if (text) {
      try {
        this.saved = parseSegments(text);
      } catch (error) {
        // A damaged entry must not stop the page: say so and start from no segments.
        this.error = error instanceof SegmentError ? error.message : String(error);
      }
    }
  }

  edit(segment: Segment | null): void {
    this.draft = segment ? structuredClone(segment) : emptySegment();
    this.size = null;
  }

  close(): void {
    this.draft = null;
    this.size = null;
  }

  /** Replaces the draft (the editor works on copies) and measures it. */
  update(segment: Segment): void {
    this.draft = segment;
    void this.measure();
  }

  /** How many customers the draft matches, all time and with a purchase in the range. */
  async measure(): Promise<void> {
    const draft = this.draft;
    if (!draft) return;
    const run = ++this.#measuring;
    try {
      if (!(await this.whenReady()) || run !== this.#measuring) return;
      const query = segmentSizeSql(draft, { rfmRelation: 'rfm_customers' });
      const row = (await this.db.query(query.sql, { params: query.params })).get(0);
      if (run !== this.#measuring) return;
      this.size = { customers: Number(row?.customers ?? 0), inRange: Number(row?.customers_in_range ?? 0) };
      this.error = '';
    } catch (error) {
      if (run === this.#measuring) this.error = error instanceof SegmentError ? error.message : QueryError.from(error).message;
    }
  }

  /** Validates and saves the draft (a segment of the same name is replaced); returns it, or null with `error` set. */
  save(): Segment | null {
    if (!this.draft) return null;
    try {
      const segment = validateSegment({ ...this.draft, name: this.draft.name.trim() });
      this.saved = [...this.saved.filter((s) => s.name !== segment.name), segment];
      this.#store();
      this.error = '';
      return segment;
    } catch (error) {
      this.error = error instanceof SegmentError ? error.message : String(error);
      return null;
    }
  }

  /** Adds segments (from a recipe link); one with the name of a saved one replaces it. */
  importSegments(segments: readonly Segment[]): void {
    const names = new Set(segments.map((s) => s.name));
    this.saved = [...this.saved.filter((s) => !names.has(s.name)), ...segments];
    this.#store();
  }

  remove(name: string): void {
    this.saved = this.saved.filter((s) => s.name !== name);
    this.#store();
  }

  #store(): void {
    this.storage?.setItem(STORAGE_KEY, serializeSegments(this.saved));
  }
}
