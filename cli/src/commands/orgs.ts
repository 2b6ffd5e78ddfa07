import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatTable } from '../table.js';
import { print, printJson, type CommandContext } from './context.js';
import { findOrganization, myOrganizations } from './organizations.js';

const CREATE_ORGANIZATION = `mutation CreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { id slug name }
}`;

/** `aitip orgs`: your organizations; `orgs use` switches the active one; `orgs create` makes a new one. */
export function registerOrgs(program: Command, context: CommandContext): void {
  const orgs = program
    .command('orgs')
    .description('list your organizations (* marks the active one); see also `orgs use` and `orgs create`')
    .option('--json', 'print the organizations as JSON')
    .action(async (options: { json?: boolean }) => {
      const client = context.client();
      const active = client.signedIn().organization;
      const memberships = await myOrganizations(client);
      if (options.json) {
        return printJson(memberships.map((m) => ({ ...m, active: m.organization.id === active?.id })));
      }
      if (memberships.length === 0) {
        return print('You are not a member of any organization. Create one with `aitip orgs create <name>`.');
      }
      print(
        formatTable([
          ['', 'SLUG', 'NAME', 'ROLE', 'ID'],
          ...memberships.map((m) => [
            m.organization.id === active?.id ? '*' : '',
            m.organization.slug,
            m.organization.name,
            m.role,
            m.organization.id,
          ]),
        ]),
      );
    });

  orgs
    .command('use')
    .description('act in another of your organizations from now on')
    .argument('<id|slug>', 'the organization')
    .action(async (idOrSlug: string) => {
      const client = context.client();
      const credentials = client.signedIn();
      if (credentials.kind === 'apiKey') {
        throw new UsageError('An API key always acts in its own organization. Sign in with `aitip login` to switch.');
      }
      const organization = await findOrganization(client, idOrSlug);
      // re-read: the request may have rotated the stored tokens
      context.store.set({ ...client.signedIn(), organization });
      print(`Now acting in organization ${organization.slug} at ${client.url}.`);
    });

  orgs
    .command('create')
    .description('create an organization (you become its owner); it becomes active when none is')
    .argument('<name>', 'display name')
    .option('--slug <slug>', 'URL-safe unique name (default: derived from the name)')
    .option('--use', 'act in the new organization from now on')
    .option('--json', 'print the organization as JSON')
    .action(async (name: string, options: { slug?: string; use?: boolean; json?: boolean }) => {
      const client = context.client();
      const input: Record<string, string> = { name };
      if (options.slug) input['slug'] = options.slug;
      const { createOrganization: created } = await client.request<{
        createOrganization: { id: string; slug: string; name: string };
      }>(CREATE_ORGANIZATION, { input });
      const credentials = client.signedIn();
      const activate = credentials.kind === 'session' && (options.use || !credentials.organization);
      if (activate) context.store.set({ ...credentials, organization: { id: created.id, slug: created.slug } });
      if (options.json) return printJson({ ...created, active: activate });
      print(
        `Created organization ${created.slug} (${created.name}).` +
          (activate ? ' You now act in it.' : ` Switch to it with \`aitip orgs use ${created.slug}\`.`),
      );
    });
}
