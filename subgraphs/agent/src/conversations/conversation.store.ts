import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { ConversationEntity } from './conversation.entity.js';

/** Reads Conversation rows from the agent schema. */
export class ConversationStore {
  private readonly repo: Repository<ConversationEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(ConversationEntity);
  }

  findById(id: string): Promise<ConversationEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<ConversationEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
