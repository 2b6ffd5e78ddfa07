import { Directive, Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'A new API key for the active organization.' })
export class CreateApiKeyInput {
  @Field(() => String, { description: 'What the key is for, e.g. "CI pipeline".' })
  name: string;

  @Field(() => [String], { description: 'What the key may do, e.g. ["datasets:read"]; at most what you may do.' })
  scopes: string[];

  @Field(() => Date, { nullable: true, description: 'When the key stops working; never when absent.' })
  expiresAt?: Date | null;
}

@InputType({ description: 'A key the platform issues to one piece of work, e.g. a training attempt.' })
@Directive('@inaccessible')
export class IssueWorkloadKeyInput {
  @Field(() => String, { description: 'What the key is for, e.g. "training job 3f2a… attempt 1".' })
  name: string;

  @Field(() => [String], { description: "What the key may do; at most what the work's owner may do." })
  scopes: string[];

  @Field(() => Int, { description: 'Seconds until the key stops working if it is not revoked first (60 to 604800).' })
  ttlSeconds: number;
}
