import { AUTH_REVOCATIONS_CHANNEL, type AuthRevocation, type Bus, type Logger } from '@aitip/kit';

/** Announces revoked sessions, API keys and changed memberships so every router drops its cache entries. */
export class RevocationPublisher {
  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {}

  async publish(revocation: AuthRevocation): Promise<void> {
    try {
      await this.bus.publish(AUTH_REVOCATIONS_CHANNEL, revocation);
    } catch (err) {
      // the change is committed; routers still drop the entry when their cache entry expires
      this.log.error({ err, revocation }, 'could not publish a revocation');
    }
  }
}
