import { z } from 'zod';
import { env } from '@aitip/kit';

/** The users subgraph's own settings, read from the environment in every mode. */
export const usersSettingsSchema = z.object({
  AUTH_SIGNUP: z
    .enum(['invite', 'open'])
    .default('invite')
    .describe('"invite" (sign-up needs an invitation token) or "open" (anyone may sign up)'),
  AUTH_ACCESS_TOKEN_TTL: env.positiveInt(900, 'seconds an access token stays valid'),
  AUTH_REFRESH_TOKEN_TTL: env.positiveInt(30 * 24 * 3600, 'seconds a refresh token stays valid'),
  AITIP_DATA_DIR: z
    .string()
    .default('.aitip')
    .describe('the data directory, where the first-run setup token is written'),
  PUBLIC_URL: z
    .string()
    .url()
    .default('http://localhost:4000')
    .describe('the public URL of the router, e.g. https://aitip.example.com'),
});

export type UsersSettings = z.infer<typeof usersSettingsSchema>;
