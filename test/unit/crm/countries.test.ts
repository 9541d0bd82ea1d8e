import { describe, expect, it } from 'vitest';
import worldAtlas from 'world-atlas/countries-110m.json';
import { countryKey, countryName, normaliseCountry } from '../../../src/geo/countries';
import { mapCountries } from '../../../src/analyses/crm/geography';

describe('country values to map shapes', () => {
  it('reads ISO alpha-2, alpha-3, numeric codes and English names, in any case and with accents', () => {
    for (const value of ['GB', 'gb', 'GBR', '826', 'United Kingdom', 'UK', 'Great Britain', 'England', 'united kingdom of great britain and northern ireland']) {
      expect(countryKey(value), value).toBe('826');
    }
    for (const value of ['US', 'USA', 'U.S.A.', 'United States', 'United States of America', '840']) expect(countryKey(value), value).toBe('840');
    expect(countryKey('Deutschland')).toBeNull(); // English names only
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
  });
});
