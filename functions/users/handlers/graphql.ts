import { ValidationError } from '../../kernel/domain/errors.js';
import { id } from '../../kernel/events/primitives.js';
import {
  actorOf,
  type FieldContext,
  field,
  functionFromEnv,
  getView,
  graphqlHandler,
  isAdmin,
  readClient,
  tableFromEnv,
} from '../../kernel/graphql/index.js';
import * as z from '../../kernel/zod.js';
import { RegisterUser } from '../domain/index.js';
import { USER_PROFILE_TABLE_ENV } from '../read-model/user-profile.js';
import type { UserResult, UsersCommandResult } from './commands.js';

/**
 * The users source API's resolvers: `registerUser`, `user(id)` and `Order.customer` (the orders API's Order
 * joined with a User). Reads UserProfile; writes only through users' Commands.
 */
type Profile = Record<string, unknown>;

const toUser = (profile: Profile) => ({ ...profile, id: profile.userId });

const fromResult = (result: UserResult) => ({ ...result, id: result.userId });

async function profile(ctx: { tools: { captureClient<C>(c: C): C } }, userId: string) {
  const db = readClient((c) => ctx.tools.captureClient(c));
  return getView(db, tableFromEnv(USER_PROFILE_TABLE_ENV), { userId });
}

const { email, name } = RegisterUser.shape.data.shape;

/**
 * The address an account is registered with. A signed-in person's is their ID token's `email`, which
 * Cognito has verified (`email_verified`): one cannot claim an address one does not own, so nobody can
 * take another's address first. An input email must be that same address. Only admins without a token of
 * their own (the dev API key, an allow-listed IAM role) name the address in the input; any other IAM
 * caller is refused.
 */
async function registeredEmail(input: string | undefined, ctx: FieldContext): Promise<string> {
  const { caller } = ctx;
  if (caller.kind === 'user') {
    const resource = `user/${caller.userId}`;
    if (!caller.email) return ctx.deny(resource, 'sign in with an ID token: it carries your email');
    if (!caller.emailVerified) return ctx.deny(resource, "the token's email is not verified");
    const own = email.safeParse(caller.email);
    if (!own.success) return ctx.deny(resource, "the token's email is not an address we take");
    if (input !== undefined && input !== own.data)
      return ctx.deny(resource, "an account is registered with its token's email only");
    return own.data;
  }
  if (!isAdmin(caller)) return ctx.deny('user/*', 'only admins register an account by address');
  if (input === undefined)
    throw new ValidationError('VALIDATION_ERROR: input.email: an admin or API key names the address');
  return input;
}

export const handler = graphqlHandler({
  service: 'users',
  fields: {
    'Mutation.registerUser': field(
      z.strictObject({ input: z.strictObject({ email: z.optional(email), name }) }),
      async ({ input }, ctx) => {
        // A signed-in person registers their own id (the token's sub); a key or a role gets a generated one.
        const userId = ctx.caller.kind === 'user' ? { userId: ctx.caller.userId } : {};
        const address = await registeredEmail(input.email, ctx);
        const { result } = await ctx.invoker.invoke<UsersCommandResult>(
          functionFromEnv('USERS_COMMANDS_FUNCTION'),
          { type: 'RegisterUser', data: { name: input.name, email: address, ...userId } },
          actorOf(ctx.caller),
        );
        return fromResult(result.user);
      },
    ),
    'Query.user': field(z.strictObject({ id }), async ({ id }, ctx) => {
      await ctx.requireSelfOrAdmin(id, `user/${id}`);
      const found = await profile(ctx, id);
      return found ? toUser(found) : null;
    }),
    // The parent Order was authorized by the orders source API: its customer is readable with it.
    'Order.customer': field(z.strictObject({}), async (_args, ctx) => {
      const customerId = ctx.source?.customerId;
      if (typeof customerId !== 'string') return null;
      const found = await profile(ctx, customerId);
      return found ? toUser(found) : null;
    }),
  },
});
