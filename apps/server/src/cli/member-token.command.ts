import { parseArgs } from "node:util";
import { DomainError, type CoreServices, type WorkspaceContext } from "@siyu/core";
import { DEMO_WORKSPACE } from "@siyu/demo";
import { MEMBER_TOKEN_MAX_TTL_SECONDS } from "@siyu/contracts";

export const MEMBER_TOKEN_USAGE = `  member-token <type>:<value> [--workspace ID|SLUG] [--ttl SECONDS]
                                Issue a member token for the customer an identifier names (e.g.
                                user_id:M00042, phone:13800138000) to try the member API
                                (/member/v1/*); workspace default: the demo brand`;

type WithServices = <T>(work: (services: CoreServices) => Promise<T>) => Promise<T>;
interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * `siyu member-token user_id:M00042`: what the brand's back end does with POST …/member-tokens, from the
 * command line (actor "cli"). Prints the token and a curl line for the member API. Exit 2 on bad
 * arguments, an unknown workspace or identifier.
 */
export async function runMemberTokenCommand(args: string[], withServices: WithServices, out: Output = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { workspace: { type: "string" }, ttl: { type: "string" } } });
  } catch (error) {
    out.stderr.write(`${(error as Error).message}\n\nUsage:\n${MEMBER_TOKEN_USAGE}\n`);
    return 2;
  }
  const [identifier] = parsed.positionals;
  const colon = identifier?.indexOf(":") ?? -1;
  const ttl = parsed.values.ttl === undefined ? undefined : Number(parsed.values.ttl);
  if (!identifier || colon <= 0 || colon === identifier.length - 1 || parsed.positionals.length > 1 || (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 60 && ttl <= MEMBER_TOKEN_MAX_TTL_SECONDS))) {
    out.stderr.write(`Give one identifier as <type>:<value> (and --ttl as whole seconds, 60 to ${MEMBER_TOKEN_MAX_TTL_SECONDS}).\n\nUsage:\n${MEMBER_TOKEN_USAGE}\n`);
    return 2;
  }
  // WeChat OpenIDs carry their app id (`wx123:openid`): only the first colon separates the type.
  const type = identifier.slice(0, colon);
  const value = identifier.slice(colon + 1);
  const workspaceRef = parsed.values.workspace ?? DEMO_WORKSPACE.slug;
  try {
    return await withServices(async (services) => {
      const workspace = (await services.workspaces.findBySlug(workspaceRef)) ?? (await services.workspaces.get(workspaceRef));
      const ctx: WorkspaceContext = { workspaceId: workspace.id, actor: { type: "system", id: null, name: "cli" }, storeIds: null, ip: null };
      const issued = await services.memberTokens.issue(ctx, { identifier: { type, value }, ...(ttl === undefined ? {} : { ttlSeconds: ttl }) });
      out.stdout.write(
        `Member token for ${type} ${value} (profile ${issued.profileId}) in ${workspace.name}, valid until ${issued.expiresAt}:\n\n${issued.token}\n\n` +
          `Token id (to revoke it): ${issued.tokenId}\n` +
          `Try it with the workspace's ingest key:\n  curl -H "X-Siyu-Ingest-Key: $INGEST_KEY" -H "Authorization: Bearer ${issued.token}" http://localhost:8080/member/v1/me\n`,
      );
      return 0;
    });
  } catch (error) {
    if (error instanceof DomainError) {
      out.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
