/** Raised when the platform cannot be reached at all; the message says what to do. The CLI exits with 2. */
export class UnreachableError extends Error {}

/** An error the API answered with; its message (from the API) says what to do. The CLI exits with 1. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** `extensions.code`, e.g. UNAUTHENTICATED or FORBIDDEN. */
    readonly code: string | undefined,
    /** `extensions.reason`, e.g. TOKEN_EXPIRED. */
    readonly reason: string | undefined,
  ) {
    super(message);
  }
}

/** No credentials are stored for the platform. The CLI exits with 1. */
export class NotSignedInError extends Error {
  constructor(url: string) {
    super(`Not signed in to ${url}: run \`aitip login\`.`);
  }
}

/** A wrong or missing command-line input; the message says what to give. The CLI exits with 1. */
export class UsageError extends Error {}

/** Builds the error for a request that never got an answer. */
export function unreachableError(baseUrl: string, err: unknown): UnreachableError {
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
  return new UnreachableError(
    `Cannot reach AITIP at ${baseUrl} (${cause}). Is it running? Start it with \`npm start\`, ` +
      'or point the CLI at it with --url <url> or AITIP_URL.',
  );
}
