import { printSubgraphSdl } from '@aitip/kit';
import { platformSubgraphs } from '@aitip/router';
import { composeSupergraph, readSupergraphConfig } from './compose.js';
import { resolve } from 'node:path';

/** Every generated file and what it should contain, computed from the code. */
export async function generatedFiles(repoRoot: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const sdlByName = new Map<string, string>();
  for (const subgraph of platformSubgraphs) {
    const sdl = await printSubgraphSdl(subgraph);
    sdlByName.set(subgraph.name, sdl);
    files.set(resolve(repoRoot, 'subgraphs', subgraph.name, 'schema.graphql'), sdl);
  }
  const config = readSupergraphConfig(resolve(repoRoot, 'supergraph.yaml'));
  const supergraph = composeSupergraph(config.map((entry) => ({ ...entry, sdl: sdlByName.get(entry.name) })));
  files.set(resolve(repoRoot, 'supergraph.graphql'), supergraph);
  return files;
}
