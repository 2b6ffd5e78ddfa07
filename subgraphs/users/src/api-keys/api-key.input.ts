import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new API key for the active organization.' })
export class CreateApiKeyInput {
  @Field(() => String, { description: 'What the key is for, e.g. "CI pipeline".' })
  name: string;

  @Field(() => [String], { description: 'What the key may do, e.g. ["datasets:read"]; at most what you may do.' })
  scopes: string[];

  @Field(() => Date, { nullable: true, description: 'When the key stops working; never when absent.' })
  expiresAt?: Date | null;
}
