import { AUTH_REVOCATIONS_CHANNEL, type AuthRevocation, type Bus, type BusUnsubscribe, type Logger } from '@aitip/kit';

/** Receives the users subgraph's revocations from the bus (Redis pub/sub across routers). */
export async function subscribeToRevocations(
  bus: Bus,
  log: Logger,
  handle: (revocation: AuthRevocation) => void,
): Promise<BusUnsubscribe> {
  return bus.subscribe(AUTH_REVOCATIONS_CHANNEL, (message) => {
    const revocation = asRevocation(message);
    if (!revocation) {
      log.warn({ message }, `ignoring a malformed message on ${AUTH_REVOCATIONS_CHANNEL}`);
      return;
    }
    handle(revocation);
  });
}

function asRevocation(message: unknown): AuthRevocation | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  const text = (key: string) => typeof m[key] === 'string' && (m[key] as string).length > 0;
  if (m['type'] === 'apiKey' && text('apiKeyId')) return { type: 'apiKey', apiKeyId: m['apiKeyId'] as string };
  if (m['type'] === 'session' && text('sessionId')) return { type: 'session', sessionId: m['sessionId'] as string };
  if (m['type'] === 'membership' && text('userId')) {
    return { type: 'membership', userId: m['userId'] as string, orgId: (m['orgId'] as string | undefined) ?? '' };
  }
  return undefined;
}
