import * as z from 'zod';
import {
  actorOf,
  field,
  functionFromEnv,
  getView,
  graphqlHandler,
  readClient,
  tableFromEnv,
} from '../../kernel/graphql/index.js';
import { RegisterUser } from '../domain/index.js';
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
  return getView(db, tableFromEnv('USER_PROFILE_TABLE'), { userId });
}

const { email, name } = RegisterUser.shape.data.shape;

export const handler = graphqlHandler({
  service: 'users',
  fields: {
    'Mutation.registerUser': field(
      z.strictObject({ input: z.strictObject({ email, name }) }),
      async ({ input }, ctx) => {
        // A signed-in person registers their own id (the token's sub); a key or a role gets a generated one.
        const userId = ctx.caller.kind === 'user' ? { userId: ctx.caller.userId } : {};
        const { result } = await ctx.invoker.invoke<UsersCommandResult>(
          functionFromEnv('USERS_COMMANDS_FUNCTION'),
          { type: 'RegisterUser', data: { ...input, ...userId } },
          actorOf(ctx.caller),
        );
        return fromResult(result.user);
      },
    ),
    'Query.user': field(z.strictObject({ id: z.string().min(1).max(128) }), async ({ id }, ctx) => {
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
