import { and, eq, gt, lt, ne } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { OperatorDto } from "@siyu/contracts";
import type { Clock } from "../shared/clock";
import { isUuid, newId } from "../shared/ids";
import { hashToken, randomToken } from "../shared/secrets";
import { accessErrors } from "./access.errors";
import { accessOperators, accessSessions } from "./access.schema";
import type { AccessSettings } from "./access.settings";
import { hashPassword, verifyPassword } from "./password";

export interface AccessDeps {
  db: Db;
  clock: Clock;
  settings: AccessSettings;
}

export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedSession {
  token: string;
  expiresAt: Date;
  operator: OperatorDto;
}

export interface CreateOperatorInput {
  email: string;
  name: string;
  password: string;
}

// Last-seen is written at most this often, so reading a session is not a write per request.
const TOUCH_INTERVAL_MS = 60_000;

export async function createOperator(deps: AccessDeps, input: CreateOperatorInput): Promise<OperatorDto> {
  const email = input.email.trim().toLowerCase();
  const [existing] = await deps.db.select({ id: accessOperators.id }).from(accessOperators).where(eq(accessOperators.email, email));
  if (existing) throw accessErrors.error("access.email_taken", `An operator with email ${email} already exists.`, { path: "email" });
  const now = deps.clock.now();
  const row = {
    id: newId(),
    email,
    name: input.name,
    passwordHash: await hashPassword(input.password, deps.settings),
    createdAt: now,
    lastLoginAt: null,
    passwordChangedAt: now,
  };
  await deps.db.insert(accessOperators).values(row);
  return toOperatorDto(row);
}

export async function findOperatorByEmail(db: Db, email: string) {
  const [row] = await db.select().from(accessOperators).where(eq(accessOperators.email, email.trim().toLowerCase()));
  return row ?? null;
}

export async function getOperator(db: Db, operatorId: string): Promise<OperatorDto> {
  const [row] = isUuid(operatorId) ? await db.select().from(accessOperators).where(eq(accessOperators.id, operatorId)) : [];
  if (!row) throw accessErrors.error("access.operator_not_found", "No such operator.");
  return toOperatorDto(row);
}

/** A dummy verification on unknown emails keeps the answer time the same, so emails cannot be probed. */
let dummyHash: Promise<string> | null = null;

export async function login(deps: AccessDeps, email: string, password: string, meta: SessionMeta): Promise<IssuedSession> {
  const row = await findOperatorByEmail(deps.db, email);
  if (!row) {
    dummyHash ??= hashPassword(randomToken(20), deps.settings);
    await verifyPassword(await dummyHash, password);
    throw accessErrors.error("access.invalid_credentials", "Wrong email or password.");
  }
  if (!(await verifyPassword(row.passwordHash, password))) {
    throw accessErrors.error("access.invalid_credentials", "Wrong email or password.");
  }
  const now = deps.clock.now();
  await deps.db.update(accessOperators).set({ lastLoginAt: now }).where(eq(accessOperators.id, row.id));
  return issueSession(deps, toOperatorDto({ ...row, lastLoginAt: now }), meta);
}

export async function issueSession(deps: AccessDeps, operator: OperatorDto, meta: SessionMeta): Promise<IssuedSession> {
  const now = deps.clock.now();
  const token = randomToken(43);
  const expiresAt = new Date(now.getTime() + deps.settings.sessionTtlHours * 3_600_000);
  await deps.db.insert(accessSessions).values({
    id: newId(),
    operatorId: operator.id,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, expiresAt, operator };
}

export interface AuthenticatedSession {
  sessionId: string;
  operator: OperatorDto;
}

/** Sliding expiry: every use (at most once a minute) pushes the end of the session forward. */
export async function authenticateSession(deps: AccessDeps, token: string): Promise<AuthenticatedSession | null> {
  if (!token || token.length > 200) return null;
  const now = deps.clock.now();
  const [row] = await deps.db
    .select({ session: accessSessions, operator: accessOperators })
    .from(accessSessions)
    .innerJoin(accessOperators, eq(accessOperators.id, accessSessions.operatorId))
    .where(and(eq(accessSessions.tokenHash, hashToken(token)), gt(accessSessions.expiresAt, now)));
  if (!row) return null;
  if (now.getTime() - row.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await deps.db
      .update(accessSessions)
      .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + deps.settings.sessionTtlHours * 3_600_000) })
      .where(eq(accessSessions.id, row.session.id));
  }
  return { sessionId: row.session.id, operator: toOperatorDto(row.operator) };
}

export async function logout(deps: AccessDeps, token: string): Promise<void> {
  await deps.db.delete(accessSessions).where(eq(accessSessions.tokenHash, hashToken(token)));
}

/** Changing a password ends every other session of the operator. */
export async function changePassword(
  deps: AccessDeps,
  operatorId: string,
  currentPassword: string,
  newPassword: string,
  keepSessionId: string | null,
): Promise<void> {
  const [row] = await deps.db.select().from(accessOperators).where(eq(accessOperators.id, operatorId));
  if (!row) throw accessErrors.error("access.operator_not_found", "No such operator.");
  if (!(await verifyPassword(row.passwordHash, currentPassword))) {
    throw accessErrors.error("access.wrong_password", "The current password is wrong.", [
      { path: "currentPassword", message: "is wrong" },
    ]);
  }
  await setPassword(deps, operatorId, newPassword, keepSessionId);
}

export async function setPassword(deps: AccessDeps, operatorId: string, password: string, keepSessionId: string | null) {
  const passwordHash = await hashPassword(password, deps.settings);
  await deps.db.transaction(async (tx) => {
    await tx
      .update(accessOperators)
      .set({ passwordHash, passwordChangedAt: deps.clock.now() })
      .where(eq(accessOperators.id, operatorId));
    await tx
      .delete(accessSessions)
      .where(
        and(eq(accessSessions.operatorId, operatorId), keepSessionId ? ne(accessSessions.id, keepSessionId) : undefined),
      );
  });
}

export async function deleteExpiredSessions(deps: AccessDeps): Promise<void> {
  await deps.db.delete(accessSessions).where(lt(accessSessions.expiresAt, deps.clock.now()));
}

export function toOperatorDto(row: {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}): OperatorDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}
