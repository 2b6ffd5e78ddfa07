import { readFileSync } from 'node:fs';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';

/** A subgraph as the supergraph names it. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/** Reads a supergraph SDL file (as written by `npm run compose` or rover). */
export function readSupergraph(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `Cannot read the supergraph at ${path}: ${(err as Error).message}. Run \`npm run compose\` or pass --supergraph <file>.`,
    );
  }
}

/** The subgraphs listed in a supergraph's `join__Graph` enum, with their routing URLs. */
export function subgraphsOf(supergraphSdl: string): SubgraphEndpoint[] {
  const document = parse(supergraphSdl);
  const graphs = document.definitions.find(
    (d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph',
  );
  if (!graphs) throw new Error('Not a supergraph: it has no join__Graph enum.');
  return (graphs.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const arg = (name: string) => {
      const node = directive?.arguments?.find((a) => a.name.value === name)?.value;
      return node && node.kind === Kind.STRING ? node.value : undefined;
    };
    return { name: arg('name') ?? value.name.value.toLowerCase(), url: arg('url') ?? '' };
  });
}
