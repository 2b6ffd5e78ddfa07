import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { demoSubgraphs, type SubgraphsMessage } from './subgraphs.js';

/**
 * Serves the four demo subgraphs from one process, each with @apollo/server on its own loopback
 * port, and counts the requests each receives. Answers `{ type: 'counts' }` over IPC.
 */
async function main(): Promise<void> {
  const counts: Record<string, number> = {};
  const urls: Record<string, string> = {};
  const servers: ApolloServer[] = [];
  for (const subgraph of demoSubgraphs) {
    counts[subgraph.name] = 0;
    const server = new ApolloServer({
      stopOnTerminationSignals: false,
      schema: buildSubgraphSchema([{ typeDefs: subgraph.typeDefs, resolvers: subgraph.resolvers }]),
      plugins: [
        {
          async requestDidStart() {
            counts[subgraph.name]! += 1;
          },
        },
      ],
    });
    const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
    urls[subgraph.name] = new URL('/graphql', url).toString();
    servers.push(server);
  }
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'counts') process.send?.({ type: 'counts', counts: { ...counts } } satisfies SubgraphsMessage);
  });
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
  process.send?.({ type: 'ready', urls } satisfies SubgraphsMessage);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo subgraphs failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
