import { Field, Float, InputType } from 'type-graphql';

@InputType({ description: 'A metric point to log.' })
export class MetricInput {
  @Field(() => String)
  key: string;

  @Field(() => Float)
  value: number;

  @Field(() => Float, { nullable: true, defaultValue: 0, description: 'A whole number; 0 when omitted.' })
  step?: number | null;

  @Field(() => Float, { nullable: true, description: 'Milliseconds since the epoch; now when omitted.' })
  timestamp?: number | null;
}

@InputType({ description: 'A param to log; params are write-once.' })
export class ParamInput {
  @Field(() => String)
  key: string;

  @Field(() => String, { description: 'At most 6,000 characters.' })
  value: string;
}
