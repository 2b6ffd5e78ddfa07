import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

/**
 * The reference gateway: plain @apollo/gateway with a static supergraph behind @apollo/server's
 * standalone HTTP server, default settings. `node apollo-gateway-process.js <supergraph> <port>`.
 */
async function main(): Promise<void> {
  const [supergraphFile, port] = process.argv.slice(2);
  if (!supergraphFile || !port) throw new Error('usage: apollo-gateway-process.js <supergraph file> <port>');
  const server = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: readFileSync(supergraphFile, 'utf8') }),
    // the benchmark stops this process with SIGINT; the handler below owns shutdown
    stopOnTerminationSignals: false,
  });
  await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: Number(port) } });
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`apollo gateway failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
