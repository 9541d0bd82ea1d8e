// What the notebook tab shows before anyone has written anything: a note and a first query.
import type { NotebookDocument } from './document';
import { newCellId } from './transfer';

export interface DefaultNotebookText {
  title: string;
  note: string;
}

export function defaultNotebook(text: DefaultNotebookText): NotebookDocument {
  return {
    version: 1,
    title: text.title,
    cells: [
      { id: newCellId(), kind: 'note', markdown: text.note },
      {
        id: newCellId(),
        kind: 'sql',
        name: 'revenue_by_month',
        sql: `SELECT date_trunc('month', ordered_at)::DATE AS month,
  count(*) FILTER (WHERE kind <> 'refund')::INTEGER AS purchases,
  count(DISTINCT customer_id) FILTER (WHERE kind <> 'refund')::INTEGER AS customers,
  sum(amount)::DOUBLE AS revenue,
  sum(refund)::DOUBLE AS refunds
FROM orders
GROUP BY 1
ORDER BY 1`,
      },
      { id: newCellId(), kind: 'chart', source: 'revenue_by_month', mark: 'line', x: 'month', y: 'revenue' },
    ],
  };
}
