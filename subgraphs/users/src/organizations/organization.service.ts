import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, ForbiddenError, InputError, requireAuthenticated, type Identity } from '@aitip/kit';
import type { OrganizationEntity } from './organization.entity.js';
import type { OrganizationStore } from './organization.store.js';
import type { CreateOrganizationInput } from './organization.input.js';
import type { MembershipStore } from '../memberships/membership.store.js';
import type { MembershipService } from '../memberships/membership.service.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$/;

/** A slug from a display name: lower-case letters, digits and single dashes, 3 to 40 characters. */
export function slugFromName(name: string): string {
  let slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  if (slug.length < 3) slug = slug ? `${slug}-org` : 'org';
  return slug.length < 3 ? `${slug}-org` : slug;
}

/** Creating organizations and reading the active one. */
export class OrganizationService {
  constructor(
    private readonly db: DataSource,
    private readonly store: OrganizationStore,
    private readonly memberships: MembershipStore,
    private readonly membershipService: MembershipService,
  ) {}

  /** Creates an organization with the caller as its owner. */
  async create(identity: Identity, input: CreateOrganizationInput): Promise<OrganizationEntity> {
    requireAuthenticated(identity);
    const userId = identity.userId;
    if (identity.kind !== 'user' || !userId) {
      throw new ForbiddenError('Only a signed-in person can create an organization; API keys cannot.');
    }
    const name = input.name.trim();
    if (!name || name.length > 100) {
      throw new InputError('Give the organization a name of 1 to 100 characters.', { field: 'name' });
    }
    const explicit = input.slug?.trim();
    if (explicit !== undefined && explicit !== '' && !SLUG.test(explicit)) {
      throw new InputError(
        `"${explicit.slice(0, 60)}" cannot be a slug: use 3 to 40 lower-case letters, digits and dashes, starting and ending with a letter or digit.`,
        { field: 'slug' },
      );
    }
    // organizations are created on the owner connection: the new tenant has no rows to isolate yet
    const organization = await this.db.transaction(async (m) => {
      const slug = explicit || (await this.freeSlug(slugFromName(name), m));
      if (explicit && (await this.store.takenSlugs([explicit], m)).has(explicit)) {
        const suggestion = await this.freeSlug(explicit, m);
        throw new ConflictError(`The slug "${explicit}" is taken; try "${suggestion}" or another one.`, {
          field: 'slug',
          suggestion,
        });
      }
      const created = await this.store.insert(m, { name, slug }).catch((err: unknown) => {
        if ((err as { code?: string }).code === '23505') {
          throw new ConflictError(`The slug "${slug}" was just taken; try again with another one.`, { field: 'slug' });
        }
        throw err;
      });
      await this.memberships.insert(m, created.id, userId, 'owner');
      return created;
    });
    await this.membershipService.changed(userId, organization.id);
    return organization;
  }

  /** The organization with `id` when it is the caller's active one; null for any other. */
  async active(identity: Identity, id: string): Promise<OrganizationEntity | null> {
    if (!identity.orgId || id !== identity.orgId) return null;
    return this.store.findById(id);
  }

  /** Federation references: only the caller's active organization resolves (the platform sees all). */
  async references(identity: Identity, ids: readonly string[]): Promise<OrganizationEntity[]> {
    const visible = identity.kind === 'system' ? ids : ids.filter((id) => id === identity.orgId);
    return this.store.findByIds(visible);
  }

  /** A slug like `base` that nobody uses yet: `base`, `base-2`, ... or `base-<random>`. */
  private async freeSlug(base: string, manager: EntityManager): Promise<string> {
    const stem = base.slice(0, 34).replace(/-+$/, '');
    const candidates = [base, ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${stem}-${n}`)];
    const taken = await this.store.takenSlugs(candidates, manager);
    return candidates.find((c) => !taken.has(c)) ?? `${stem}-${randomBytes(2).toString('hex')}`;
  }
}
