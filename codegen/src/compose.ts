import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';

/** One subgraph entry of a rover-style `supergraph.yaml`. */
export interface SupergraphConfigEntry {
  name: string;
  routingUrl: string;
  schemaFile: string;
}

/** Reads `supergraph.yaml` (rover's format: `subgraphs.<name>.routing_url` and `schema.file`). */
export function readSupergraphConfig(path: string): SupergraphConfigEntry[] {
  const doc = parseYaml(readFileSync(path, 'utf8')) as {
    subgraphs?: Record<string, { routing_url?: string; schema?: { file?: string } }>;
  };
  const entries = Object.entries(doc.subgraphs ?? {});
  if (entries.length === 0) throw new Error(`${path} lists no subgraphs.`);
  return entries.map(([name, entry]) => {
    if (!entry.routing_url) throw new Error(`${path}: subgraph "${name}" has no routing_url.`);
    if (!entry.schema?.file) throw new Error(`${path}: subgraph "${name}" has no schema.file.`);
    return { name, routingUrl: entry.routing_url, schemaFile: resolve(dirname(path), entry.schema.file) };
  });
}

/** Thrown when the subgraphs do not compose; each line names the subgraph and field at fault. */
export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(`Composition failed with ${problems.length} error(s):\n` + problems.map((p) => `  - ${p}`).join('\n'));
  }
}

/** Composes the subgraphs into a supergraph SDL with @apollo/composition. */
export function composeSupergraph(entries: Array<SupergraphConfigEntry & { sdl?: string }>): string {
  const services = entries.map((entry) => {
    const sdl = entry.sdl ?? readFileSync(entry.schemaFile, 'utf8');
    try {
      return { name: entry.name, url: entry.routingUrl, typeDefs: parse(sdl) };
    } catch (err) {
      throw new CompositionError([`[${entry.name}] ${entry.schemaFile}: ${(err as Error).message}`]);
    }
  });
  const result = composeServices(services);
  if (result.errors) {
    throw new CompositionError(
      result.errors.map((error) => {
        const code = (error.extensions?.['code'] as string | undefined) ?? 'ERROR';
        return `${code}: ${error.message}`;
      }),
    );
  }
  return result.supergraphSdl + '\n';
}
