import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { UserEntity } from './user.entity.js';

/** Reads users from the users schema. */
export class UserStore {
  private readonly repo: Repository<UserEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(UserEntity);
  }

  findById(id: string): Promise<UserEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
