import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { QueueEntryEntity } from './queue-entry.entity.js';

/** Reads QueueEntry rows from the scheduler schema. */
export class QueueEntryStore {
  private readonly repo: Repository<QueueEntryEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(QueueEntryEntity);
  }

  findById(id: string): Promise<QueueEntryEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<QueueEntryEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
