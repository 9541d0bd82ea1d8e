// The "Feedback & support" tab's state: which CRM tables are loaded, and each panel's result (NPS &
// CSAT, support, acquisition, geography, segments, churn risk) with its own status; the latest
// request wins. The panels read all history (customer_base, orders), not the dashboard's date range
// and facets: survey answers and tickets have dates of their own, and a filter change on the
// dashboard should not reload them. Two things do come from the dashboard: the RFM segments it last
// scored (rfm_customers) and the fitted CLV model (P(alive)); the view refreshes the panels that use them.
import type { Table } from 'apache-arrow';
import type { Database } from '../db/database';
import { forJob } from '../db/job-database';
import { QueryError } from '../db/query-error';
import { usesRfm, type Segment } from '../analyses/segments';
import type { SqlQuery } from '../analyses/sql-fragment';
import type { BgNbdParams } from '../analyses/clv/bgnbd';
import { CRM_PRESENCE_SQL, type CrmPresence } from '../analyses/crm/crm-tables';
import { npsCsatSql, surveyCoverageSql, type SurveyBreakdown } from '../analyses/crm/nps-csat';
import { SUPPORT_COVERAGE_SQL, supportLifeSql, supportSummarySql, type SupportBreakdown } from '../analyses/crm/support';
import { acquisitionByChannelSql, acquisitionByMonthSql, acquisitionCoverageSql } from '../analyses/crm/acquisition';
import { countriesSql, mapCountries, type CountryMapping, type CountryRow } from '../analyses/crm/geography';
import { demographicsSql, type DemographicDimension } from '../analyses/crm/demographics';
import { CATEGORIES_SQL, GAP_BANDS_SQL, ORDER_BANDS_SQL } from '../analyses/crm/behaviour';
import { INTERESTS_SQL, neverBoughtSql } from '../analyses/crm/interests';
import { churnRiskSql, churnRiskSummarySql } from '../analyses/crm/churn-risk';
import { countryKey } from '../geo/countries';
import { ATLAS_KEYS } from '../geo/atlas-keys';

import type { Row, Status } from './dashboard.svelte';

export type { Row, Status };
export interface Async<T> {
  status: Status;
  data: T | null;
  error: string;
}
const idle = <T>(): Async<T> => ({ status: 'idle', data: null, error: '' });

/** What the CRM analyses need to know about the orders side and the other tables. */
export interface CrmInputs {
  /** Whether the orders' customer base is built for the data now loaded (the dashboard has its bounds). */
  orders: boolean;
  /** Saved segments (segment builder), for NPS by segment. */
  segments: readonly Segment[];
  /** The fitted BG/NBD model (weeks), for P(alive); null before a fit. */
  bgnbd: BgNbdParams | null;
  /** How many times the dashboard scored RFM into rfm_customers (ValueState.scored): a change means new scores. */
  scored: number;
}

export type Presence = CrmPresence & { orders: boolean; rfm: boolean };

export interface NpsResult {
  total: Row;
  by: SurveyBreakdown;
  groups: Row[];
  months: Row[];
  coverage: Row;
}
export interface SupportResult {
  total: Row;
  by: SupportBreakdown;
  groups: Row[];
  months: Row[];
  life: Row[];
  coverage: Row;
}
export interface AcquisitionResult {
  channels: Row[];
  months: Row[];
  coverage: Row;
}
export interface SegmentsResult {
  demographicBy: DemographicDimension;
  demographics: Row[] | null;
  orderBands: Row[];
  categories: Row[];
  gaps: Row[];
  interests: Row[] | null;
  /** Customers of the customer file without a purchase in the orders (not counted in these tables); null without a file. */
  profilesNotInOrders: number | null;
}
export interface GeographyResult extends CountryMapping {
  profilesNotInOrders: number | null;
}
export interface ChurnResult {
  summary: Row;
  customers: Row[];
  withModel: boolean;
}

const PANELS = ['nps', 'support', 'acquisition', 'geography', 'segments', 'churn'] as const;
export type CrmPanel = (typeof PANELS)[number];
/** The churn list shows this many; the export has them all. */
export const CHURN_LIST_LIMIT = 20;
const JOB = 'crm';

const rowsOf = (table: Table): Row[] => table.toArray().map((r) => ({ ...r.toJSON() }));

export class CrmState {
  presence = $state.raw<Presence | null>(null);
  presenceError = $state('');
  nps = $state.raw<Async<NpsResult>>(idle());
  support = $state.raw<Async<SupportResult>>(idle());
  acquisition = $state.raw<Async<AcquisitionResult>>(idle());
  geography = $state.raw<Async<GeographyResult>>(idle());
  segments = $state.raw<Async<SegmentsResult>>(idle());
  churn = $state.raw<Async<ChurnResult>>(idle());

  npsBy = $state<SurveyBreakdown>('country');
  supportBy = $state<SupportBreakdown>('channel');
  demographicBy = $state<DemographicDimension>('age_band');
  requireLowPAlive = $state(false);

  /** Any CRM table loaded. */
  anyLoaded: boolean = $derived(!!this.presence && (this.presence.customers || this.presence.surveys || this.presence.tickets || this.presence.spend));

  readonly #db: Database;
  #generation: Record<CrmPanel, number> = { nps: 0, support: 0, acquisition: 0, geography: 0, segments: 0, churn: 0 };
  #inputs: CrmInputs = { orders: false, segments: [], bgnbd: null, scored: 0 };
  /** Counts refresh() calls: the latest one's presence wins. */
  #refreshGeneration = 0;

  constructor(db: Database) {
    this.#db = forJob(db, JOB);
  }

  async #rows(query: SqlQuery): Promise<Row[]> {
    return rowsOf(await this.#db.query(query.sql, { params: query.params }));
  }

  /** Which tables exist; then every panel. */
  async refresh(inputs: CrmInputs = this.#inputs): Promise<void> {
    this.#inputs = inputs;
    const generation = ++this.#refreshGeneration;
    try {
      const names = new Set((await this.#rows({ sql: CRM_PRESENCE_SQL, params: [] })).map((r) => String(r.name)));
      // A newer refresh started meanwhile (another table loaded): its presence and panels win.
      if (generation !== this.#refreshGeneration) return;
      this.presence = {
        customers: names.has('customer_profiles'),
        surveys: names.has('survey_answers'),
        tickets: names.has('support_tickets'),
        spend: names.has('marketing_spend'),
        orders: inputs.orders && names.has('customer_base'),
        rfm: names.has('rfm_customers'),
      };
      this.presenceError = '';
    } catch (error) {
      if (generation === this.#refreshGeneration) this.presenceError = QueryError.from(error).message.split('\n')[0] ?? '';
      return;
    }
    for (const panel of PANELS) {
      if (generation !== this.#refreshGeneration) return;
      await this.load(panel);
    }
  }

  /**
   * The RFM scores, the saved segments or the CLV fit changed on the dashboard: only the panels reading
   * what changed. NPS reads RFM scores only by RFM segment (or by saved segments with an RFM rule), saved
   * segments only by segment; churn risk reads the fit (P(alive)).
   */
  async refreshFromDashboard(inputs: CrmInputs): Promise<void> {
    const previous = this.#inputs;
    this.#inputs = inputs;
    const modelChanged = inputs.bgnbd !== previous.bgnbd;
    const scoresChanged = inputs.scored !== previous.scored;
    const segmentsChanged = inputs.segments !== previous.segments;
    if (!this.presence || !this.anyLoaded) return;
    const generation = this.#refreshGeneration;
    if (scoresChanged) {
      const [rfm] = await this.#rows({ sql: `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'rfm_customers'`, params: [] }).catch(() => []);
      // A full refresh started meanwhile: it reads the presence and every panel itself.
      if (generation !== this.#refreshGeneration || !this.presence) return;
      this.presence = { ...this.presence, rfm: Number(rfm?.n ?? 0) > 0 };
    }
    const segmentsReadScores = scoresChanged && inputs.segments.some(usesRfm);
    const npsChanged = this.npsBy === 'rfm_segment' ? scoresChanged : this.npsBy === 'segment' && (segmentsChanged || segmentsReadScores);
    if (npsChanged) await this.load('nps');
    if (modelChanged && generation === this.#refreshGeneration) await this.load('churn');
  }

  cancel(): void {
    void this.#db.cancel();
  }

  /** (Re)loads one panel; a panel whose tables are missing goes back to idle. */
  async load(panel: CrmPanel): Promise<void> {
    const generation = ++this.#generation[panel];
    const p = this.presence;
    // Panels from the orders alone wait for a CRM table too: until one is loaded the tab only says what
    // can be loaded, and the dashboard's first view does not share the engine with them.
    const any = !!p && (p.customers || p.surveys || p.tickets || p.spend);
    const needed = { nps: p?.surveys, support: p?.tickets, acquisition: any, geography: any, segments: any, churn: any }[panel];
    if (!p || !p.orders || !needed) {
      this.#set(panel, idle());
      return;
    }
    this.#set(panel, { ...this[panel], status: 'loading', error: '' } as Async<never>);
    try {
      const data = await this.#read(panel, p);
      if (generation === this.#generation[panel]) this.#set(panel, { status: 'ready', data, error: '' } as Async<never>);
    } catch (error) {
      if (generation === this.#generation[panel]) this.#set(panel, { status: 'error', data: null, error: QueryError.from(error).message.split('\n')[0] ?? '' });
    }
  }

  #set(panel: CrmPanel, value: Async<never>): void {
    (this as unknown as Record<CrmPanel, Async<unknown>>)[panel] = value;
  }

  async #read(panel: CrmPanel, p: Presence): Promise<unknown> {
    const surveys = { profiles: p.customers, rfm: p.rfm, segments: this.#inputs.segments };
    switch (panel) {
      case 'nps': {
        const [total] = await this.#rows(npsCsatSql(surveys));
        const groups = await this.#rows(npsCsatSql({ ...surveys, by: this.npsBy }));
        const months = this.npsBy === 'month' ? groups : await this.#rows(npsCsatSql({ ...surveys, by: 'month' }));
        const [coverage] = await this.#rows(surveyCoverageSql(surveys));
        return { total: total ?? {}, by: this.npsBy, groups, months, coverage: coverage ?? {} } satisfies NpsResult;
      }
      case 'support': {
        const [total] = await this.#rows(supportSummarySql());
        const groups = await this.#rows(supportSummarySql(this.supportBy));
        const months = await this.#rows(supportSummarySql('month'));
        const life = await this.#rows(supportLifeSql(this.supportBy === 'channel' || this.supportBy === 'product' ? this.supportBy : undefined));
        const [coverage] = await this.#rows(SUPPORT_COVERAGE_SQL);
        return { total: total ?? {}, by: this.supportBy, groups, months, life, coverage: coverage ?? {} } satisfies SupportResult;
      }
      case 'acquisition': {
        const options = { profiles: p.customers, spend: p.spend };
        const channels = await this.#rows(acquisitionByChannelSql(options));
        const months = p.spend ? await this.#rows(acquisitionByMonthSql(options)) : [];
        const [coverage] = await this.#rows(acquisitionCoverageSql(options));
        return { channels, months, coverage: coverage ?? {} } satisfies AcquisitionResult;
      }
      case 'geography': {
        const rows = (await this.#rows(countriesSql({ profiles: p.customers }))).map(
          (r): CountryRow => ({ country: r.country == null ? null : String(r.country), customers: Number(r.customers), revenue: Number(r.revenue ?? 0), net: Number(r.net ?? 0) }),
        );
        return { ...mapCountries(rows, countryKey, (key) => ATLAS_KEYS.has(key)), profilesNotInOrders: await this.#profilesNotInOrders(p) } satisfies GeographyResult;
      }
      case 'segments': {
        const demographics = p.customers ? await this.#rows(demographicsSql({ by: this.demographicBy, profiles: true, surveys: p.surveys })) : null;
        const interests = p.customers
          ? (await this.#rows(INTERESTS_SQL)).map((r) => ({ ...r, categories: [...((r.categories as Iterable<string> | null) ?? [])] }))
          : null;
        return {
          demographicBy: this.demographicBy,
          demographics,
          orderBands: await this.#rows(ORDER_BANDS_SQL),
          categories: await this.#rows(CATEGORIES_SQL),
          gaps: await this.#rows(GAP_BANDS_SQL),
          interests,
          profilesNotInOrders: await this.#profilesNotInOrders(p),
        } satisfies SegmentsResult;
      }
      case 'churn': {
        const options = { bgnbd: this.#inputs.bgnbd };
        const [summary] = await this.#rows(churnRiskSummarySql(options));
        const q = churnRiskSql({ ...options, onlyOverdue: true, requireLowPAlive: this.requireLowPAlive });
        const customers = await this.#rows({ sql: `${q.sql} LIMIT ${CHURN_LIST_LIMIT}`, params: q.params });
        return { summary: summary ?? {}, customers, withModel: !!this.#inputs.bgnbd } satisfies ChurnResult;
      }
    }
  }

  async #profilesNotInOrders(p: Presence): Promise<number | null> {
    if (!p.customers) return null;
    const [row] = await this.#rows(acquisitionCoverageSql({ profiles: true }));
    return Number(row?.profiles_not_in_orders ?? 0);
  }

  setNpsBy(by: SurveyBreakdown): void {
    this.npsBy = by;
    void this.load('nps');
  }

  setSupportBy(by: SupportBreakdown): void {
    this.supportBy = by;
    void this.load('support');
  }

  setDemographicBy(by: DemographicDimension): void {
    this.demographicBy = by;
    void this.load('segments');
  }

  setRequireLowPAlive(value: boolean): void {
    this.requireLowPAlive = value;
    void this.load('churn');
  }

  /** Every overdue customer (with the P(alive) filter if chosen) as CSV, formula cells neutralised. */
  async churnCsv(): Promise<Uint8Array> {
    const q = churnRiskSql({ bgnbd: this.#inputs.bgnbd, onlyOverdue: true, requireLowPAlive: this.requireLowPAlive });
    return this.#db.queryCsv(q.sql, { params: q.params });
  }

  /** The interested customers who never bought in a matching category (one interest, or all) as CSV. */
  async interestCsv(interest: string | null): Promise<Uint8Array> {
    const q = neverBoughtSql(interest);
    return this.#db.queryCsv(q.sql, { params: q.params });
  }
}
