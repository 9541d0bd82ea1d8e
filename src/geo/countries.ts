// Country values as people write them (ISO alpha-2, alpha-3, numeric, names in the seven languages the
// app reads headers in, common nicknames) → the key of a shape in world-atlas' countries-110m.json: its
// ISO 3166-1 numeric id, or, for the three shapes the atlas leaves without one, its name. Keys of
// countries too small for the 110m atlas (Singapore, Malta…) are returned all the same: ATLAS_KEYS
// (atlas-keys.ts) says which keys the map can draw.
import { ISO_COUNTRIES } from './iso-countries';

/** The key of "Channel Islands" (Jersey + Guernsey): recognised, not on the map. */
export const CHANNEL_ISLANDS = 'Channel Islands';

/** The languages whose country names are recognised (the languages the app reads headers in). */
export const COUNTRY_NAME_LANGUAGES = ['en', 'de', 'fr', 'es', 'pt', 'it', 'nl'] as const;

/** Names and codes that are not ISO's but are common in exports, and the atlas's own short names. */
const ALIASES: Record<string, string> = {
  // United Kingdom: "UK" is the usual (non-ISO) code, and the home nations are often written for it.
  uk: '826', 'great britain': '826', britain: '826', england: '826', scotland: '826', wales: '826', 'northern ireland': '826',
  // United States
  us: '840', usa: '840', america: '840', 'united states': '840', 'united states of america': '840',
  holland: '528', 'the netherlands': '528',
  russia: '643', 'czech republic': '203', turkey: '792', turkiye: '792', 'ivory coast': '384', 'cape verde': '132', swaziland: '748',
  brunei: '096', 'vatican city': '336', vatican: '336', 'holy see': '336', palestine: '275', macedonia: '807', burma: '104',
  'south korea': '410', korea: '410', 'north korea': '408', 'dr congo': '180', drc: '180', 'congo-kinshasa': '180', 'congo-brazzaville': '178',
  micronesia: '583', 'east timor': '626', 'hong kong': '344', macau: '446', macao: '446', el: '300', // EL: the EU's code for Greece
  // world-atlas 110m names
  'dem rep congo': '180', 'dominican rep': '214', 'central african rep': '140', 'eq guinea': '226', 'bosnia and herz': '070',
  'falkland is': '238', 'solomon is': '090', 'fr s antarctic lands': '260', 'w sahara': '732', 's sudan': '728', eswatini: '748',
  // UCI Online Retail and other exports: EIRE (Ireland's name in Irish, the UK's usual word for it), RSA.
  eire: '372', 'republic of ireland': '372', rsa: '710', uae: '784', 'great britain and northern ireland': '826',
  // Jersey, Guernsey and the smaller islands together: no single ISO code and no shape on the 110m map,
  // so a key of its own, listed with the countries too small for the map.
  'channel islands': CHANNEL_ISLANDS,
  // Shapes without an ISO numeric id in the atlas: keyed by the atlas's name.
  kosovo: 'Kosovo', xk: 'Kosovo', xkx: 'Kosovo', 'n cyprus': 'N. Cyprus', 'northern cyprus': 'N. Cyprus', somaliland: 'Somaliland',
};

/** Lower case, accents and punctuation dropped, spaces collapsed, a leading "the" dropped. */
export function normaliseCountry(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\(.*?\)/g, ' ')
    .replace(/[.'’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

const LOOKUP: Map<string, string> = (() => {
  const map = new Map<string, string>();
  const add = (name: string, key: string) => {
    const normal = normaliseCountry(name);
    if (normal && !map.has(normal)) map.set(normal, key);
  };
  for (const [alias, key] of Object.entries(ALIASES)) add(alias, key);
  for (const [numeric, alpha2, alpha3, names] of ISO_COUNTRIES) {
    add(numeric, numeric);
    add(String(Number(numeric)), numeric); // "4" as well as "004"
    add(alpha2, numeric);
    add(alpha3, numeric);
    for (const name of names) {
      add(name, numeric);
      // "Korea, Republic of" is also written "Republic of Korea".
      const comma = name.indexOf(', ');
      if (comma > 0) add(`${name.slice(comma + 2)} ${name.slice(0, comma)}`, numeric);
    }
  }
  // Names in the other languages (Deutschland, España, Royaume-Uni, Estados Unidos…) from the engine's
  // own CLDR data (Intl.DisplayNames: in every current browser and in Node with full ICU), so nothing is
  // bundled or fetched; after the ISO names, so a code or English name always keeps its meaning.
  if (typeof Intl.DisplayNames === 'function') {
    for (const language of COUNTRY_NAME_LANGUAGES) {
      for (const style of ['long', 'short'] as const) {
        const names = new Intl.DisplayNames([language], { type: 'region', style, fallback: 'none' });
        for (const [numeric, alpha2] of ISO_COUNTRIES) {
          const name = names.of(alpha2);
          if (name) add(name, numeric);
        }
      }
    }
  }
  return map;
})();

/** The atlas key (ISO numeric id, or the atlas's name for Kosovo, N. Cyprus, Somaliland) of a country value; null when unknown. */
export function countryKey(value: string | null | undefined): string | null {
  if (value == null) return null;
  return LOOKUP.get(normaliseCountry(value)) ?? null;
}

/** The ISO English short name of a key, for labels; the key itself when it is not an ISO numeric id. */
export function countryName(key: string): string {
  const row = ISO_COUNTRIES.find(([numeric]) => numeric === key);
  return row ? row[3][0]! : key;
}
