import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { ExperimentRecord } from '../tracking/api.js';
import { Tag, tagList } from '../tags/tag.type.js';

@ObjectType({ description: 'A group of runs that try to answer one question (an MLflow experiment).' })
@Directive('@key(fields: "id")')
export class Experiment {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Name, unique within the organization (archived experiments included).' })
  name: string;

  @Field(() => String, { nullable: true, description: "What it is about (MLflow's `mlflow.note.content` tag)." })
  description: string | null;

  @Field(() => [Tag])
  tags: Tag[];

  @Field(() => Boolean, { description: 'Archived (MLflow: deleted); restorable, and its runs are read-only.' })
  archived: boolean;

  @Field(() => String, { description: 'Where its runs keep artifacts: `mlflow-artifacts:/<id>`.' })
  artifactLocation: string;

  @Field(() => ID, { nullable: true, description: 'The user who created it.' })
  createdBy: string | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { description: 'When it was renamed, tagged, archived or restored last.' })
  updatedAt: Date;
}

@ObjectType({ description: 'A page of experiments.' })
export class ExperimentPage {
  @Field(() => [Experiment])
  items: Experiment[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last page.' })
  nextCursor: string | null;
}

export function toExperiment(record: ExperimentRecord): Experiment {
  return {
    id: record.id,
    orgId: record.orgId,
    name: record.name,
    description: record.description,
    tags: tagList(record.tags),
    archived: record.lifecycleStage === 'deleted',
    artifactLocation: record.artifactLocation,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
