// SQL built from trusted template text and bound values. Interpolated values become `?`
// placeholders, in order, so a value typed by a user is always data; nested fragments are
// inlined with their own parameters. Identifiers never come from here: see src/db/sql.ts.

/** What a module hands to `db.query(sql, { params })`. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

export type SqlParam = string | number | boolean | null;

export class Fragment implements SqlQuery {
  constructor(
    readonly sql: string,
    readonly params: SqlParam[] = [],
  ) {}
}

/** Tagged template: `sql\`country = ${value}\`` → { sql: 'country = ?', params: [value] }. */
export function sql(strings: TemplateStringsArray, ...values: (Fragment | SqlParam)[]): Fragment {
  let text = strings[0] ?? '';
  const params: SqlParam[] = [];
  values.forEach((value, i) => {
    if (value instanceof Fragment) {
      text += value.sql;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[i + 1] ?? '';
  });
  return new Fragment(text, params);
}

/** Trusted SQL text written in this codebase (never user input). */
export function raw(text: string): Fragment {
  return new Fragment(text);
}

export function joinSql(fragments: readonly Fragment[], separator: string): Fragment {
  return new Fragment(
    fragments.map((f) => f.sql).join(separator),
    fragments.flatMap((f) => f.params),
  );
}

/** `value IN (?, ?, …)`, with NULL among the values matched by IS NULL. Empty → FALSE. */
export function inValues(expression: string, values: readonly (string | null)[]): Fragment {
  const present = values.filter((v): v is string => v !== null);
  const parts: Fragment[] = [];
  if (present.length > 0) parts.push(sql`${raw(expression)} IN (${joinSql(present.map((v) => sql`${v}`), ', ')})`);
  if (present.length < values.length) parts.push(raw(`${expression} IS NULL`));
  return parts.length === 0 ? raw('FALSE') : sql`COALESCE(${joinSql(parts, ' OR ')}, FALSE)`;
}

/** A search term matched literally (its % and _ are data) anywhere in the text, case-insensitively. */
export function containsText(expression: string, term: string): Fragment {
  const escaped = term.replaceAll('\\', '\\\\').replaceAll('%', '\\%').replaceAll('_', '\\_');
  return sql`${raw(expression)} ILIKE ${'%' + escaped + '%'} ESCAPE '\\'`;
}
