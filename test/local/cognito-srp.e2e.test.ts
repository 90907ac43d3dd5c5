/**
 * Amplify JS v6's DEFAULT sign-in (USER_SRP_AUTH → PASSWORD_VERIFIER) against the app's user pool on the local
 * cloud (`Auth.Cognito.userPoolEndpoint` → the endpoint), then GraphQL with the session's token through
 * Amplify's `generateClient`: the catalogue and a product's reviews paged to the end with `nextToken`, a
 * foreign token refused. Then TOTP MFA as an app sets it up (setUpTOTP, verifyTOTPSetup, updateMFAPreference)
 * with codes computed here: the next sign-in asks for a code (CONFIRM_SIGN_IN_WITH_TOTP_CODE), a wrong one is
 * CodeMismatchException, the right one signs in. The AWS CLI's initiate-auth still signs in, the MFA user
 * through respond-to-auth-challenge.
 */
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import {
  confirmSignIn,
  fetchAuthSession,
  setUpTOTP,
  signIn,
  signOut,
  updateMFAPreference,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../functions/inventory/seed.js';
import { totpCode, totpStep } from '../../local/cognito/index.js';
import { awsCli } from '../helpers/aws-cli.js';
import { appUserPool, type PoolUser, poolUser, signInWithCli } from '../helpers/cognito.js';
import { eventually, type LocalApp, startLocalApp } from '../helpers/local-app.js';

let app: LocalApp;
let ann: PoolUser;
const tag = Date.now().toString(36);

const PRODUCTS_PAGE = /* GraphQL */ `
  query ($limit: Int, $nextToken: String) { productsPage(limit: $limit, nextToken: $nextToken) { items { sku } nextToken } }
`;
const REVIEWS_PAGE = /* GraphQL */ `
  query ($sku: ID!, $nextToken: String) { productReviewsPage(sku: $sku, limit: 2, nextToken: $nextToken) { items { id } nextToken } }
`;
type Page = { items: { sku?: string; id?: string }[]; nextToken: string | null };

beforeAll(async () => {
  app = await startLocalApp();
  ann = await poolUser(app, { email: `ann-srp-${tag}@example.com` });
  const { userPoolId, clientId } = appUserPool(app);
  Amplify.configure({
    Auth: { Cognito: { userPoolId, userPoolClientId: clientId, userPoolEndpoint: app.url } },
    API: { GraphQL: { endpoint: `${app.url}/graphql`, region: app.region, defaultAuthMode: 'userPool' } },
  });
  await eventually(async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'local-dev-key' },
      body: JSON.stringify({ query: '{ products { sku } }' }),
    });
    const { data } = (await response.json()) as { data?: { products?: unknown[] } };
    return (data?.products?.length ?? 0) >= seedCatalogue.length ? true : undefined;
  }, 60_000);
}, 240_000);

afterAll(async () => {
  await signOut().catch(() => undefined);
  await app?.stop();
});

/** A query through Amplify's client, with the signed-in user's token. */
async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const client = generateClient() as unknown as {
    graphql(options: { query: string; variables: Record<string, unknown> }): Promise<unknown>;
  };
  const result = (await client.graphql({ query, variables })) as { data: T };
  return result.data;
}

const errorType = (error: unknown) => (error as { errors?: { errorType?: string }[] }).errors?.[0]?.errorType;

describe("Amplify v6's default signIn (SRP) on the local pool", () => {
  it('signs in with SRP and pages the catalogue and reviews with the session’s token', async () => {
    await expect(signIn({ username: ann.email, password: 'Wrong-password-1!' })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    const result = await signIn({ username: ann.email, password: ann.password });
    expect(result).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const { tokens } = await fetchAuthSession();
    expect(tokens?.idToken?.payload.sub).toBe(ann.sub);

    const skus: string[] = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const data: { productsPage: Page } = await graphql(PRODUCTS_PAGE, { limit: 3, nextToken });
      expect(data.productsPage.items.length).toBeLessThanOrEqual(3);
      skus.push(...data.productsPage.items.map((p) => p.sku ?? ''));
      nextToken = data.productsPage.nextToken;
      pages++;
    } while (nextToken && pages < 50);
    expect([...skus].sort()).toEqual([...new Set(skus)].sort()); // each product once
    expect(skus).toEqual(expect.arrayContaining(seedCatalogue.map((p) => p.sku)));

    const reviews: { productReviewsPage: Page } = await graphql(REVIEWS_PAGE, { sku: seedCatalogue[0]?.sku });
    expect(reviews.productReviewsPage).toEqual({ items: [], nextToken: null });
    // A token of the catalogue is not one of a product's reviews.
    const first: { productsPage: Page } = await graphql(PRODUCTS_PAGE, { limit: 1 });
    const foreign = await graphql(REVIEWS_PAGE, {
      sku: seedCatalogue[0]?.sku,
      nextToken: first.productsPage.nextToken,
    }).catch((error: unknown) => error);
    expect(errorType(foreign)).toBe('ValidationError');
  }, 120_000);

  it('sets up TOTP, then asks for a code at sign-in: a wrong one is refused, the right one signs in', async () => {
    const setup = await setUpTOTP();
    const secret = setup.sharedSecret;
    const code = (offset = 0) => totpCode(secret, totpStep() + offset);
    // Three codes are spent below and a code counts once: the previous step's (RFC 6238 accepts one step of
    // drift either way), then the current one's, then the next one's.
    await verifyTOTPSetup({ code: code(-1) });
    await updateMFAPreference({ totp: 'PREFERRED' });
    await signOut();

    const challenged = await signIn({ username: ann.email, password: ann.password });
    expect(challenged.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    const wrong = code() === '000000' ? '111111' : '000000';
    await expect(confirmSignIn({ challengeResponse: wrong })).rejects.toMatchObject({
      name: 'CodeMismatchException',
    });
    const confirmed = await confirmSignIn({ challengeResponse: code() });
    expect(confirmed).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const data: { productsPage: Page } = await graphql(PRODUCTS_PAGE, { limit: 1 });
    expect(data.productsPage.items).toHaveLength(1);

    // The AWS CLI: the password flow now stops at the MFA challenge, answered with a code.
    const { clientId } = appUserPool(app);
    const aws = (...args: string[]) => awsCli(app.url, args, app.region);
    const started = await signInWithCli(app, ann);
    expect(started.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const answered = (await aws(
      'cognito-idp',
      'respond-to-auth-challenge',
      '--client-id',
      clientId,
      '--challenge-name',
      'SOFTWARE_TOKEN_MFA',
      '--session',
      started.Session ?? '',
      '--challenge-responses',
      `USERNAME=${started.ChallengeParameters?.USER_ID_FOR_SRP},SOFTWARE_TOKEN_MFA_CODE=${code(1)}`,
    )) as { AuthenticationResult?: { IdToken: string } };
    expect(answered.AuthenticationResult?.IdToken).toEqual(expect.any(String));

    // A user without MFA still signs in with the password alone.
    const bob = await poolUser(app, { email: `bob-srp-${tag}@example.com` });
    const signedIn = await signInWithCli(app, bob);
    expect(signedIn.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  }, 120_000);
});
