// The world map's geometry: world-atlas' countries-110m.json, imported through Vite so it is bundled
// with the site (a chunk of its own, loaded when a map is first drawn) and never fetched from elsewhere.
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry } from 'geojson';

export type CountryFeature = Feature<Geometry, { name: string }> & { id?: string };
export interface World {
  countries: CountryFeature[];
}

let world: Promise<World> | null = null;

/** Country shapes, each keyed as countryKey() keys values: its ISO numeric id, or its name when the atlas gives none. */
export function loadWorld(): Promise<World> {
  world ??= import('world-atlas/countries-110m.json')
    .then((module) => {
      const topology = (module.default ?? module) as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
      const collection = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
      return { countries: collection.features.map((f) => ({ ...f, id: f.id === undefined ? f.properties.name : String(f.id) })) };
    })
    .catch((error: unknown) => {
      world = null; // a retry can load it again
      throw error;
    });
  return world;
}

export const worldKey = (country: CountryFeature): string => String(country.id ?? country.properties.name);
