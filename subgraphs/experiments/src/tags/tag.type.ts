import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A key and a value attached to an experiment or a run (MLflow tags).' })
export class Tag {
  @Field(() => String)
  key: string;

  @Field(() => String)
  value: string;
}

@InputType({ description: 'A tag to set: keys use letters, digits, "_", "-", ".", " ", ":" and "/" (at most 250).' })
export class TagInput {
  @Field(() => String)
  key: string;

  @Field(() => String, { description: 'At most 8,000 characters.' })
  value: string;
}

/** A record's tags as a sorted list. */
export const tagList = (tags: Record<string, string>): Tag[] =>
  Object.keys(tags)
    .sort()
    .map((key) => ({ key, value: tags[key]! }));

/** A tag list as a record; a key given twice keeps its last value. */
export const tagRecord = (tags: readonly TagInput[] | null | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
