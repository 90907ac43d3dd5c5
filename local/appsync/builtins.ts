/**
 * What AppSync declares itself in every schema: its scalars and directives (auth, subscriptions, and the
 * merged-API directives). Source schemas use them without declaring them; the local cloud appends these
 * declarations before building a schema, and drops a schema's own redeclarations of them.
 */
import { type DefinitionNode, Kind, parse } from 'graphql';

const ANYWHERE =
  'SCHEMA | SCALAR | OBJECT | FIELD_DEFINITION | ARGUMENT_DEFINITION | INTERFACE | UNION | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION';

export const APPSYNC_PREAMBLE = `
directive @aws_api_key on OBJECT | FIELD_DEFINITION
directive @aws_iam on OBJECT | FIELD_DEFINITION
directive @aws_oidc on OBJECT | FIELD_DEFINITION
directive @aws_lambda on OBJECT | FIELD_DEFINITION
directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
directive @aws_publish(subscriptions: [String]) on FIELD_DEFINITION
directive @canonical on ${ANYWHERE}
directive @hidden on ${ANYWHERE}
directive @renamed(to: String!) on ${ANYWHERE}
scalar AWSDate
scalar AWSTime
scalar AWSDateTime
scalar AWSTimestamp
scalar AWSEmail
scalar AWSJSON
scalar AWSURL
scalar AWSPhone
scalar AWSIPAddress
`;

export const PREAMBLE_DEFINITIONS: readonly DefinitionNode[] = parse(APPSYNC_PREAMBLE).definitions;

const RESERVED = new Set(
  PREAMBLE_DEFINITIONS.map((definition) =>
    'name' in definition && definition.name ? definition.name.value : '',
  ),
);

/** True for a schema's own declaration of something AppSync already declares. */
export function isBuiltIn(definition: DefinitionNode): boolean {
  return (
    (definition.kind === Kind.DIRECTIVE_DEFINITION || definition.kind === Kind.SCALAR_TYPE_DEFINITION) &&
    RESERVED.has(definition.name.value)
  );
}

/** The directives that steer a merge; they never reach the merged schema. */
export const MERGE_DIRECTIVES = new Set(['canonical', 'hidden', 'renamed']);
