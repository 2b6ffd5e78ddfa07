import {
  AUTH_REVOCATIONS_CHANNEL,
  AUTH_REVOKED_SESSIONS_STREAM,
  type AuthRevocation,
  type Bus,
  type BusUnsubscribe,
  type Logger,
} from '@aitip/kit';

/**
 * Receives the users subgraph's revocations from the bus (Redis pub/sub across routers), then
 * replays the sessions revoked within `sessionMemoryMs` from their stream, so a router started after
 * a log-out refuses that session's access tokens too.
 */
export async function subscribeToRevocations(
  bus: Bus,
  log: Logger,
  handle: (revocation: AuthRevocation) => void,
  sessionMemoryMs: number,
): Promise<BusUnsubscribe> {
  const unsubscribe = await bus.subscribe(AUTH_REVOCATIONS_CHANNEL, (message) => {
    const revocation = asRevocation(message);
    if (!revocation) {
      log.warn({ message }, `ignoring a malformed message on ${AUTH_REVOCATIONS_CHANNEL}`);
      return;
    }
    handle(revocation);
  });
  const since = Date.now() - sessionMemoryMs;
  for (const { entry } of await bus.read(AUTH_REVOKED_SESSIONS_STREAM)) {
    const at = Date.parse(String(entry['at']));
    if (typeof entry['sessionId'] === 'string' && at >= since) {
      handle({ type: 'session', sessionId: entry['sessionId'] });
    }
  }
  return unsubscribe;
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
