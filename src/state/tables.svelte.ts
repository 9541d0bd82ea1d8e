// Tables loaded beside the orders (customers, survey answers, support tickets, marketing spend),
// each with its own mapping and quality report. (Being built for issue 7.)
import type { Database } from '../db/database';

export class CrmTables {
  constructor(readonly db: Database) {}
}
