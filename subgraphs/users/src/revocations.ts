import {
  AUTH_REVOCATIONS_CHANNEL,
  AUTH_REVOKED_SESSIONS_STREAM,
  type AuthRevocation,
  type Bus,
  type Logger,
} from '@aitip/kit';

/** Enough revoked sessions to cover every access token still alive after a burst of log-outs. */
const REVOKED_SESSIONS_KEPT = 100_000;

/** Announces revoked sessions, API keys and changed memberships so every router drops its cache entries. */
export class RevocationPublisher {
  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {}

  async publish(revocation: AuthRevocation): Promise<void> {
    try {
      if (revocation.type === 'session') {
        await this.bus.append(
          AUTH_REVOKED_SESSIONS_STREAM,
          { sessionId: revocation.sessionId, at: new Date().toISOString() },
          { maxLen: REVOKED_SESSIONS_KEPT },
        );
      }
      await this.bus.publish(AUTH_REVOCATIONS_CHANNEL, revocation);
    } catch (err) {
      // the change is committed; routers still drop the entry when their cache entry expires
      this.log.error({ err, revocation }, 'could not publish a revocation');
    }
  }
}
