import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { NodePoolEntity } from './node-pool.entity.js';

/** Reads NodePool rows from the resources schema. */
export class NodePoolStore {
  private readonly repo: Repository<NodePoolEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(NodePoolEntity);
  }

  findById(id: string): Promise<NodePoolEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<NodePoolEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
