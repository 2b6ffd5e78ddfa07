import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { DeploymentEntity } from './deployment.entity.js';

/** Reads Deployment rows from the inference schema. */
export class DeploymentStore {
  private readonly repo: Repository<DeploymentEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(DeploymentEntity);
  }

  findById(id: string): Promise<DeploymentEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<DeploymentEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
