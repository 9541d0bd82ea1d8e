import { describe, expect, it } from 'vitest';
import { SegmentLibrary, defaultRule } from '../../src/state/segments.svelte';
import type { Database } from '../../src/db/database';

// Saving and reading back touches no database: a stand-in that fails if it is called.
const noDatabase = new Proxy({}, { get: () => () => Promise.reject(new Error('no database here')) }) as Database;

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('saved segments', () => {
  it('saves a segment to the browser storage and reads it back in a new session', () => {
    const storage = memoryStorage();
    const library = new SegmentLibrary(noDatabase, storage);
    library.edit(null);
    library.draft = { name: '  Big spenders ', combine: 'and', groups: [{ combine: 'or', rules: [{ ...defaultRule('number'), value: 500 } as never, { kind: 'text', field: 'city', op: 'is', value: "O'Brien'; DROP TABLE orders; --" }] }] };
    const saved = library.save();
    expect(saved?.name).toBe('Big spenders');
    const again = new SegmentLibrary(noDatabase, storage);
    expect(again.saved).toEqual([saved]);
    expect(again.saved[0]!.groups[0]!.rules[1]).toEqual({ kind: 'text', field: 'city', op: 'is', value: "O'Brien'; DROP TABLE orders; --" });
  });

  it('replaces a segment saved under the same name, and deletes', () => {
    const storage = memoryStorage();
    const library = new SegmentLibrary(noDatabase, storage);
    library.edit({ name: 'A', combine: 'and', groups: [] });
    library.save();
    library.edit({ name: 'A', combine: 'or', groups: [] });
    library.save();
    expect(library.saved.map((s) => [s.name, s.combine])).toEqual([['A', 'or']]);
    library.remove('A');
    expect(new SegmentLibrary(noDatabase, storage).saved).toEqual([]);
  });

  it('saves a churn risk rule with another rule and reads it back; a damaged churn rule is refused in words', () => {
    const storage = memoryStorage();
    const library = new SegmentLibrary(noDatabase, storage);
    library.edit(null);
    expect(defaultRule('churn')).toEqual({ kind: 'churn', risk: 'overdue' });
    library.draft = { name: 'Overdue in DE', combine: 'and', groups: [{ combine: 'and', rules: [defaultRule('churn'), { kind: 'text', field: 'country', op: 'is', value: 'DE' }] }] };
    const saved = library.save();
    expect(new SegmentLibrary(noDatabase, storage).saved).toEqual([saved]);
    expect(saved?.groups[0]!.rules[0]).toEqual({ kind: 'churn', risk: 'overdue' });
    const forged = '{"version":1,"segments":[{"name":"y","combine":"and","groups":[{"combine":"and","rules":[{"kind":"churn","risk":"soon"}]}]}]}';
    const damaged = new SegmentLibrary(noDatabase, memoryStorage({ 'clientele.segments': forged }));
    expect(damaged.saved).toEqual([]);
    expect(damaged.error).toBe('Segment "y", group 1, rule 1: the churn risk must be "overdue".');
  });

  it('refuses a segment without a name, and survives damaged storage with a message', () => {
    const library = new SegmentLibrary(noDatabase, memoryStorage());
    library.edit(null);
    expect(library.save()).toBeNull();
    expect(library.error).toBe('A segment needs a name.');
    const damaged = new SegmentLibrary(noDatabase, memoryStorage({ 'clientele.segments': '{"version":1,"segments":[{"name":"x","combine":"xor","groups":[]}]}' }));
    expect(damaged.saved).toEqual([]);
    expect(damaged.error).toBe('Segment "x": groups must be combined with "and" or "or".');
  });
});
