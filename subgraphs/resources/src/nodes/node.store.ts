import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { NodeEntity } from './node.entity.js';

/** Reads Node rows from the resources schema. */
export class NodeStore {
  private readonly repo: Repository<NodeEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(NodeEntity);
  }

  findById(id: string): Promise<NodeEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<NodeEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
