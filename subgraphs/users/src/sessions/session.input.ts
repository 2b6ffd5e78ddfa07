import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new account.' })
export class SignUpInput {
  @Field(() => String, { description: 'Your e-mail address; you sign in with it.' })
  email: string;

  @Field(() => String, { description: 'At least 10 characters.' })
  password: string;

  @Field(() => String, { description: 'Your name as others see it.' })
  displayName: string;

  @Field(() => String, {
    nullable: true,
    description: "The one-time setup token (first account only), from the users subgraph's log or data directory.",
  })
  setupToken?: string | null;

  @Field(() => String, { nullable: true, description: 'An invitation token; joins its organization at once.' })
  invitationToken?: string | null;
}
