import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { UserEntity } from './user.entity.js';

/**
 * Reads and writes accounts. The users table is not a tenant table (a person may belong to many
 * organizations); which users a caller may see is decided by the services through memberships.
 */
export class UserStore {
  constructor(private readonly db: DataSource) {}

  private repo(manager?: EntityManager): Repository<UserEntity> {
    return (manager ?? this.db.manager).getRepository(UserEntity);
  }

  findById(id: string, manager?: EntityManager): Promise<UserEntity | null> {
    return isUuid(id) ? this.repo(manager).findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    return valid.length ? this.repo().findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  /** The account with this (already normalized) e-mail, compared case-insensitively. */
  findByEmail(email: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  /** How many accounts exist. */
  count(manager?: EntityManager): Promise<number> {
    return this.repo(manager).count();
  }

  insert(
    manager: EntityManager,
    user: { email: string; displayName: string; passwordHash: string; isInstanceAdmin: boolean },
  ): Promise<UserEntity> {
    return this.repo(manager).save(this.repo(manager).create(user));
  }
}
