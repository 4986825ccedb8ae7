import { randomBytes } from 'node:crypto';

const SESSION_ID_BYTES = 24;

export interface Session {
  sessionId: string;
  companyId: string;
  userId: string;
  locationId: string;
  expiresAt: number;
}

/** API sessions: issued by getAPISession, extended by every use, refused once expired. */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  issue(companyId: string, userId: string, locationId: string): Session {
    // Production session ids end in '..'; clients should treat them as opaque anyway.
    const sessionId = `${randomBytes(SESSION_ID_BYTES).toString('base64url')}..`;
    const session = { sessionId, companyId, userId, locationId, expiresAt: this.now() + this.ttlMs };
    this.sessions.set(sessionId, session);
    return session;
  }

  /** The live session for an id, without extending it; undefined when unknown or expired. */
  peek(sessionId: string): Session | undefined {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(sessionId);
      return undefined;
    }
    return session;
  }

  /** The live session for an id, extended by the TTL from now; undefined when unknown or expired. */
  use(sessionId: string): Session | undefined {
    const session = this.peek(sessionId);
    if (session) session.expiresAt = this.now() + this.ttlMs;
    return session;
  }

  /** A login-authenticated call gets a session timeout as if it had a session. */
  timeoutFromNow(): number {
    return this.now() + this.ttlMs;
  }

  expireAll(): void {
    for (const session of this.sessions.values()) session.expiresAt = 0;
  }
}
