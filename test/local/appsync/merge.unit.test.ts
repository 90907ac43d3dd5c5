/** The Merged API's merge rules, on SDL strings: compatible merges, conflicts named by type and field, directives. */
import { buildASTSchema, Kind, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PREAMBLE_DEFINITIONS } from '../../../local/appsync/builtins.js';
import { mergeSchemas, SchemaMergeError, type SourceSchema } from '../../../local/appsync/merge.js';

const source = (name: string, definition: string, resolvers: string[] = []): SourceSchema => ({
  name,
  definition,
  resolvers: resolvers.map((key) => {
    const [typeName = '', fieldName = ''] = key.split('.');
    return { typeName, fieldName };
  }),
});

const printed = (sources: SourceSchema[]) => {
  const merged = mergeSchemas(sources);
  return printSchema(
    buildASTSchema({
      kind: Kind.DOCUMENT,
      definitions: [...merged.document.definitions, ...PREAMBLE_DEFINITIONS],
    }),
  );
};

const mergeError = (sources: SourceSchema[]): SchemaMergeError => {
  try {
    mergeSchemas(sources);
  } catch (error) {
    if (error instanceof SchemaMergeError) return error;
    throw error;
  }
  throw new Error('the merge succeeded');
};

const users = source(
  'users',
  `type User { id: ID! name: String! }
   type Order { customer: User }
   type Query { user(id: ID!): User }`,
  ['Query.user', 'Order.customer'],
);
const orders = source(
  'orders',
  `type Order { id: ID! customerId: ID! }
   type Query { order(id: ID!): Order }
   type Mutation { placeOrder(customerId: ID!): Order! }`,
  ['Query.order', 'Mutation.placeOrder'],
);

describe('mergeSchemas', () => {
  it('merges the fields of same-named types and records which source resolves each field', () => {
    const merged = mergeSchemas([users, orders]);
    const sdl = printed([users, orders]);
    expect(sdl).toContain('type Order {\n  customer: User\n  id: ID!\n  customerId: ID!\n}');
    expect(sdl).toContain('type Query {\n  user(id: ID!): User\n  order(id: ID!): Order\n}');
    expect(merged.fields.get('Order.customer')?.resolvedBy).toEqual({
      source: 'users',
      typeName: 'Order',
      fieldName: 'customer',
    });
    expect(merged.fields.get('Query.order')?.resolvedBy?.source).toBe('orders');
    expect(merged.fields.get('Order.id')?.resolvedBy).toBeUndefined();
  });

  it('accepts a field both sources declare alike, with the resolver of the one that has it', () => {
    const shared = source('shipping', 'type Order { id: ID! carrier: String }', ['Order.carrier']);
    const merged = mergeSchemas([orders, shared]);
    expect(merged.fields.get('Order.id')?.definedBy.source).toBe('orders');
    expect(merged.fields.get('Order.carrier')?.resolvedBy?.source).toBe('shipping');
  });

  it('refuses the same field with different types, naming the type, the field and both sources', () => {
    const legacy = source('legacy', 'type User { id: Int! } type Query { legacyUser: User }');
    const error = mergeError([users, legacy]);
    expect(error.code).toBe('APPSYNC_MERGE_CONFLICT');
    expect(error.typeName).toBe('User');
    expect(error.fieldName).toBe('id');
    expect(error.message).toBe(
      'merge conflict on User.id: source API "users" declares ID!, "legacy" declares Int! (mark one @canonical to choose)',
    );
  });

  it('refuses different arguments on the same field', () => {
    const other = source('other', 'type Query { user(email: String!): User } type User { id: ID! }');
    expect(mergeError([users, other]).message).toContain('merge conflict on Query.user');
  });

  it('refuses a field that two sources both attach a resolver to', () => {
    const again = source('again', 'type User { id: ID! } type Query { user(id: ID!): User }', ['Query.user']);
    const error = mergeError([users, again]);
    expect([error.typeName, error.fieldName]).toEqual(['Query', 'user']);
    expect(error.message).toContain('"users" and "again" both attach a resolver');
  });

  it('refuses one name used for two kinds of type', () => {
    const enumUser = source('enums', 'enum User { A } type Query { x: User }');
    expect(mergeError([users, enumUser]).message).toBe(
      'merge conflict on User: source API "users" declares type User, "enums" enum User',
    );
  });

  it('lets a @canonical field win a conflict, with its resolver', () => {
    const legacy = source('legacy', 'type User { id: Int! @canonical } type Query { legacyUser: User }');
    const merged = mergeSchemas([users, legacy]);
    expect(printed([users, legacy])).toContain('id: Int!');
    expect(merged.fields.get('User.id')?.definedBy.source).toBe('legacy');
    const resolving = source(
      'resolving',
      'type Query { user(id: ID!): User @canonical } type User { id: ID! }',
      ['Query.user'],
    );
    expect(mergeSchemas([users, resolving]).fields.get('Query.user')?.resolvedBy?.source).toBe('resolving');
  });

  it('lets a @canonical type replace the other definitions, and refuses two of them', () => {
    const canon = source('canon', 'type User @canonical { id: ID! email: String } type Query { me: User }');
    const sdl = printed([users, canon]);
    expect(sdl).toContain('type User {\n  id: ID!\n  email: String\n}');
    expect(mergeSchemas([users, canon]).sdl).not.toContain('@canonical');
    const twice = source('twice', 'type User @canonical { id: ID! } type Query { x: User }');
    expect(mergeError([canon, twice]).message).toBe(
      'merge conflict on User: source APIs "canon" and "twice" both mark type User @canonical',
    );
  });

  it('leaves @hidden types and fields out of the merged schema', () => {
    const hidden = source(
      'hidden',
      `type Order { id: ID! internal: String @hidden }
       type Secret @hidden { x: String }
       type Query { order(id: ID!): Order, secret: Secret @hidden }`,
    );
    const sdl = printed([hidden]);
    expect(sdl).not.toContain('internal');
    expect(sdl).not.toContain('Secret');
    expect(mergeSchemas([hidden]).sdl).not.toContain('@hidden');
    // Hiding a conflicting field resolves the conflict.
    const legacy = source(
      'legacy',
      'type User { id: Int! @hidden name: String! } type Query { legacyUser: User }',
    );
    expect(printed([users, legacy])).toContain('id: ID!');
  });

  it('renames types (references follow) and fields, keeping where they came from', () => {
    const renamed = source(
      'catalog',
      `type Product @renamed(to: "CatalogProduct") { sku: ID! title: String @renamed(to: "name") }
       type Query { product(sku: ID!): Product }`,
      ['Query.product', 'Product.title'],
    );
    const merged = mergeSchemas([renamed]);
    const sdl = printed([renamed]);
    expect(sdl).toContain('type CatalogProduct {\n  sku: ID!\n  name: String\n}');
    expect(sdl).toContain('product(sku: ID!): CatalogProduct');
    expect(merged.fields.get('CatalogProduct.name')?.resolvedBy).toEqual({
      source: 'catalog',
      typeName: 'Product',
      fieldName: 'title',
    });
  });

  it('keeps auth and subscription directives, merges enums and unions, folds extensions', () => {
    const a = source(
      'a',
      `enum Status { PENDING } union Thing = A
       type A { id: ID! } type Query { a: A @aws_api_key @aws_cognito_user_pools }
       extend type Query { status: Status }`,
    );
    const b = source(
      'b',
      `enum Status { SHIPPED } union Thing = B type B { id: ID! }
       type Mutation { ship: B } type Subscription { shipped: B @aws_subscribe(mutations: ["ship"]) }`,
    );
    const sdl = mergeSchemas([a, b]).sdl;
    expect(sdl).toContain('enum Status {\n  PENDING\n  SHIPPED\n}');
    expect(sdl).toContain('union Thing = A | B');
    expect(sdl).toContain('a: A @aws_api_key @aws_cognito_user_pools');
    expect(sdl).toContain('status: Status');
    expect(sdl).toContain('@aws_subscribe(mutations: ["ship"])');
  });

  it('names the source API whose schema is invalid on its own', () => {
    expect(mergeError([source('broken', 'type Query { x: Missing }')]).message).toMatch(
      /^source API "broken": the schema is invalid: Unknown type "Missing"/,
    );
  });
});
