import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { AgentTaskEntity } from './agent-task.entity.js';

/** Reads AgentTask rows from the agent schema. */
export class AgentTaskStore {
  private readonly repo: Repository<AgentTaskEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(AgentTaskEntity);
  }

  findById(id: string): Promise<AgentTaskEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<AgentTaskEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
