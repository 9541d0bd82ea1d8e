import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import worldAtlas from 'world-atlas/countries-110m.json';
import { CHANNEL_ISLANDS, countryKey, countryName, normaliseCountry } from '../../../src/geo/countries';
import { ATLAS_KEYS } from '../../../src/geo/atlas-keys';
import { mapCountries } from '../../../src/analyses/crm/geography';

const drawable = (key: string) => ATLAS_KEYS.has(key);

describe('country values to map shapes', () => {
  it('reads ISO alpha-2, alpha-3, numeric codes and English names, in any case and with accents', () => {
    for (const value of ['GB', 'gb', 'GBR', '826', 'United Kingdom', 'UK', 'Great Britain', 'England', 'united kingdom of great britain and northern ireland']) {
      expect(countryKey(value), value).toBe('826');
    }
    for (const value of ['US', 'USA', 'U.S.A.', 'United States', 'United States of America', '840']) expect(countryKey(value), value).toBe('840');
    expect(countryKey('DE')).toBe('276');
    expect(countryKey('Côte d’Ivoire')).toBe('384');
    expect(countryKey("Cote d'Ivoire")).toBe('384');
    expect(countryKey('Korea, Republic of')).toBe('410');
    expect(countryKey('Republic of Korea')).toBe('410');
    expect(countryKey('The Netherlands')).toBe('528');
    expect(countryKey('Russia')).toBe('643');
    expect(countryKey('Kosovo')).toBe('Kosovo');
    expect(countryKey('4')).toBe('004');
    expect(countryKey('Narnia')).toBeNull();
    expect(countryKey('')).toBeNull();
    expect(countryKey(null)).toBeNull();
    expect(normaliseCountry('  The  Bahamas ')).toBe('bahamas');
    expect(countryName('826')).toBe('United Kingdom');
  });

  it('finds a key for every shape of the bundled atlas from its own name', () => {
    const shapes = (worldAtlas as unknown as { objects: { countries: { geometries: { id?: string; properties: { name: string } }[] } } }).objects.countries.geometries;
    const missed = shapes.filter((s) => countryKey(s.properties.name) !== (s.id ?? s.properties.name)).map((s) => `${s.id} ${s.properties.name} → ${countryKey(s.properties.name)}`);
    expect(missed).toEqual([]);
  });

  it('sums the values that mean one country and lists the unmatched with their counts', () => {
    const mapped = mapCountries(
      [
        { country: 'US', customers: 2, revenue: 600, net: 560 },
        { country: 'UK', customers: 2, revenue: 255, net: 255 },
        { country: 'GB', customers: 1, revenue: 150, net: 150 },
        { country: 'Narnia', customers: 1, revenue: 10, net: 10 },
        { country: null, customers: 3, revenue: 5, net: 5 },
      ],
      countryKey,
    );
    // UK + GB → 826: 3 customers, 405; US → 840: 2 customers; Narnia and no country unmatched.
    expect(mapped.countries).toEqual([
      { key: '826', values: ['UK', 'GB'], customers: 3, revenue: 405, net: 405 },
      { key: '840', values: ['US'], customers: 2, revenue: 600, net: 560 },
    ]);
    expect(mapped.unmatched.map((r) => [r.country, r.customers])).toEqual([['Narnia', 1], [null, 3]]);
    expect(mapped.tooSmall).toEqual([]);
  });

  it('reads country names in German, French, Spanish, Portuguese, Italian and Dutch, ignoring case and accents', () => {
    const expected: Record<string, string> = {
      Deutschland: '276', Allemagne: '276', Alemania: '276', Germania: '276', Duitsland: '276',
      España: '724', espana: '724', ESPAÑA: '724', Italia: '380', Nederland: '528', Schweiz: '756', Suisse: '756', Svizzera: '756',
      Österreich: '040', Osterreich: '040', Brasil: '076', Royaume_Uni: '826', 'Royaume-Uni': '826', 'Vereinigtes Königreich': '826',
      'Reino Unido': '826', 'Regno Unito': '826', 'Verenigd Koninkrijk': '826', 'Estados Unidos': '840', 'États-Unis': '840', 'Stati Uniti': '840',
    };
    for (const [value, key] of Object.entries(expected)) expect(countryKey(value.replace('_', '-')), value).toBe(key);
    // A code keeps its meaning over a name in another language: Spanish abbreviates the UK "RU", which is Russia's code.
    expect(countryKey('RU')).toBe('643');
  });

  it('reads the aliases of real exports: EIRE, RSA, Great Britain, Holland, UAE, Channel Islands', () => {
    expect([countryKey('EIRE'), countryKey('RSA'), countryKey('Great Britain'), countryKey('Holland'), countryKey('UAE')]).toEqual(['372', '710', '826', '528', '784']);
    // Jersey and Guernsey together have no single ISO code: a key of their own, listed as too small for the map.
    expect(countryKey('Channel Islands')).toBe(CHANNEL_ISLANDS);
    expect(countryName(CHANNEL_ISLANDS)).toBe('Channel Islands');
    // A word that merely contains a country name is not that country.
    expect(countryKey('Frankreichs')).toBeNull();
  });

  it('knows which countries the 110m atlas draws, and lists the recognised ones it cannot draw as too small', () => {
    const shapes = (worldAtlas as unknown as { objects: { countries: { geometries: { id?: string; properties: { name: string } }[] } } }).objects.countries.geometries;
    expect([...ATLAS_KEYS].sort()).toEqual(shapes.map((s) => s.id ?? s.properties.name).sort());
    const mapped = mapCountries(
      [
        { country: 'Germany', customers: 5, revenue: 500, net: 480 },
        { country: 'Singapore', customers: 2, revenue: 90, net: 90 },
        { country: 'Malta', customers: 1, revenue: 40, net: 40 },
        { country: 'Channel Islands', customers: 3, revenue: 120, net: 110 },
        { country: 'Narnia', customers: 1, revenue: 10, net: 10 },
      ],
      countryKey,
      drawable,
    );
    // Germany is drawn; Singapore, Malta and the Channel Islands are recognised without a shape (most customers first); Narnia is unknown.
    expect(mapped.countries.map((c) => [c.key, c.customers])).toEqual([['276', 5]]);
    expect(mapped.tooSmall.map((c) => [c.key, c.customers, c.revenue])).toEqual([[CHANNEL_ISLANDS, 3, 120], ['702', 2, 90], ['470', 1, 40]]);
    expect(mapped.unmatched.map((r) => r.country)).toEqual(['Narnia']);
  });
});

// The countries of UCI Online Retail (../shared/data/README.md), as written in the file.
const RETAIL = resolve(import.meta.dirname, '../../../../shared/data/online_retail.csv.gz');
const retailPresent = existsSync(RETAIL);
if (!retailPresent) console.warn(`Country names of UCI Online Retail skipped: ${RETAIL} does not exist.`);

describe.skipIf(!retailPresent)('countries of UCI Online Retail', () => {
  it('recognises all of its 38 country values but "European Community" and "Unspecified", and draws all but five', () => {
    const lines = gunzipSync(readFileSync(RETAIL)).toString('utf8').split('\n').slice(1);
    // Country is the last column; no country contains a comma.
    const values = [...new Set(lines.filter((l) => l.trim()).map((l) => l.slice(l.lastIndexOf(',') + 1).trim()))].sort();
    expect(values).toHaveLength(38);
    expect(values.filter((v) => countryKey(v) === null)).toEqual(['European Community', 'Unspecified']);
    const keys = values.map(countryKey).filter((k): k is string => k !== null);
    // Recognised without a shape at 1:110m: Bahrain, Channel Islands, Hong Kong, Malta, Singapore.
    expect(keys.filter((k) => !drawable(k)).map(countryName).sort()).toEqual(['Bahrain', 'Channel Islands', 'Hong Kong', 'Malta', 'Singapore']);
  });
});
